import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// Desktop build: main and preload for Node/Electron, the renderer as the same page the web host serves.
export default defineConfig({
  main: {
    build: { externalizeDeps: true, outDir: 'out/main', lib: { entry: resolve('src-main/index.ts') } },
  },
  preload: {
    // Sandboxed preloads cannot require node_modules: bundle everything (zod included) into one file.
    build: { externalizeDeps: false, outDir: 'out/preload', lib: { entry: resolve('src-main/preload.ts') }, rollupOptions: { output: { format: 'cjs', entryFileNames: 'index.cjs' } } },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: { outDir: 'out/renderer', rollupOptions: { input: resolve('src-renderer/index.html') }, chunkSizeWarningLimit: 4000 },
  },
});
