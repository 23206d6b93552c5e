import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { singleFileInline } from './scripts/vite_offline.js';
import { contentSecurityPolicy } from './scripts/vite_csp.js';

// The same web/ sources as vite.config.js, built into one self-contained
// dist-single/localsurv.html that works from file:// with the network off:
// CSS and JS inlined by vite-plugin-singlefile; the engine (glue + wasm), the
// example and the worker inlined through web/inline.js (singleFileInline);
// a Content-Security-Policy with the inlined script's hash (scripts/vite_csp.js).
export default defineConfig({
  root: 'web',
  base: './',
  publicDir: false,
  build: { outDir: '../dist-single', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'iife' },
  plugins: [singleFileInline(), viteSingleFile({ outputFileName: 'localsurv.html' }), contentSecurityPolicy('single')],
});
