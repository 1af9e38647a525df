import { defineConfig } from 'vite';

export default defineConfig({ root: 'bench/browser', base: './', build: { outDir: '../../dist-bench', emptyOutDir: true, chunkSizeWarningLimit: 4000 } });
