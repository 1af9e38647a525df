import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The renderer built as a plain web page, served by the Node web host (`npm run start:web`) and used by
// the end-to-end tests. Electron builds the same sources through electron.vite.config.ts.
export default defineConfig({
  root: 'src-renderer',
  base: './',
  plugins: [react()],
  build: { outDir: '../dist-web', emptyOutDir: true, chunkSizeWarningLimit: 4000 },
});
