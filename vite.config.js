import { defineConfig } from 'vite';
import { serviceWorkerManifest } from './scripts/vite_offline.js';
import { contentSecurityPolicy } from './scripts/vite_csp.js';
import { bundleLicenses } from './scripts/vite_licenses.js';

// web/ holds the page's sources; public/ the static files served as-is (the
// wasm engine built by CMake and the bundled example); dist/ the built site,
// with sw.js (web/sw.js plus the build's file list) for offline use, and a
// Content-Security-Policy meta tag (scripts/vite_csp.js).
// THIRD_PARTY_LICENSES.txt: the licences of what the page bundles.
// The single-file build is vite.single.config.js.
const licenses = bundleLicenses();

export default defineConfig({
  root: 'web',
  base: './',
  publicDir: '../public',
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    // The landing thumbnail goes into the HTML as a data: URL: the page's
    // policy allows images from data: only (scripts/vite_csp.js).
    assetsInlineLimit: (file) => (/\/generated\/example-km(\.zh-CN)?\.svg$/.test(file) ? true : undefined),
  },
  worker: { format: 'iife', plugins: () => [licenses.worker] },
  plugins: [...licenses.plugins, serviceWorkerManifest(), contentSecurityPolicy('hosted')],
  preview: { port: 8080, strictPort: true, host: '127.0.0.1' },
});
