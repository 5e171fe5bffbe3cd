import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Two pages (customer dashboard, operator console) sharing one bundle of components; the hub serves dist/web under /web/.
export default defineConfig({
  root: import.meta.dirname,
  base: '/web/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      input: { dashboard: resolve(import.meta.dirname, 'dashboard.html'), console: resolve(import.meta.dirname, 'console.html') },
    },
  },
});
