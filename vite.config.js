import { defineConfig } from 'vite';

// web/ holds the page's sources; public/ the static files served as-is (the
// wasm engine built by CMake and the bundled example); dist/ the built site.
export default defineConfig({
  root: 'web',
  base: './',
  publicDir: '../public',
  build: { outDir: '../dist', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'iife' },
  preview: { port: 8080, strictPort: true, host: '127.0.0.1' },
});
