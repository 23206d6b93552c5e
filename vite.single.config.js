import { defineConfig } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { singleFileInline } from './scripts/vite_offline.js';
import { contentSecurityPolicy } from './scripts/vite_csp.js';
import { bundleLicenses } from './scripts/vite_licenses.js';

// The same web/ sources as vite.config.js, built into one self-contained
// dist-single/localsurv.html that works from file:// with the network off:
// CSS and JS inlined by vite-plugin-singlefile; the engine (glue + wasm), the
// example and the worker inlined through web/inline.js (singleFileInline);
// a Content-Security-Policy with the inlined script's hash (scripts/vite_csp.js).
// The licences go into the file itself (a comment at its top) and beside it.
const licenses = bundleLicenses({ embed: true });

export default defineConfig({
  root: 'web',
  base: './',
  publicDir: false,
  build: { outDir: '../dist-single', emptyOutDir: true, target: 'es2022' },
  worker: { format: 'iife', plugins: () => [licenses.worker] },
  plugins: [singleFileInline(), viteSingleFile({ outputFileName: 'localsurv.html' }), ...licenses.plugins, contentSecurityPolicy('single')],
});
