// Service worker of the hosted build: after the first visit the page, its
// scripts, styles, the wasm engine and the bundled examples are served from
// the cache, so LocalSurv opens and runs with the network off.
//
// Conventions: the build prepends `self.LOCALSURV_BUILD = {version, files}`
// (scripts/vite_offline.js serviceWorkerManifest): files are every output of
// the build, relative to this script, and version hashes their contents, so a
// new build is a new cache. As written here (dev server) it caches nothing.
// Cache-first, precached on install; old caches go when a new version
// activates, which (no skipWaiting) is once no tab runs the old page, so an
// open page never loses the files it has yet to load (e.g. the worker).
const BUILD = self.LOCALSURV_BUILD ?? { version: 'dev', files: [] };
const CACHE = `localsurv-${BUILD.version}`;
const SCOPE = new URL('./', self.location.href).href;
const FILES = BUILD.files.map((f) => new URL(f, SCOPE).href);

self.addEventListener('install', (event) => {
  if (!FILES.length) return;
  // 'reload' so a stale HTTP cache cannot put an older file under this version.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((u) => new Request(u, { cache: 'reload' })))));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('localsurv-') && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || !FILES.length || !req.url.startsWith(SCOPE)) return;
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      // A page URL may carry a query; the page itself is the same file.
      const hit = await cache.match(req, { ignoreSearch: req.mode === 'navigate' });
      return hit ?? fetch(req);
    }),
  );
});
