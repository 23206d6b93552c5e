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

// Vite names what it bundles by content ("assets/index-kkm2yseg.js"): any
// copy of such a file in the HTTP cache is the right one.
const CONTENT_NAMED = /\/assets\/[^/]+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$/;

self.addEventListener('install', (event) => {
  if (!FILES.length) return;
  // The page registers this worker once it has loaded the engine, so most
  // files are in the HTTP cache already: a content-named one is taken from
  // there as is, any other is revalidated ('no-cache': a 304 when unchanged,
  // never an older file under this version), so nothing is downloaded twice.
  const request = (u) => new Request(u, { cache: CONTENT_NAMED.test(u) ? 'force-cache' : 'no-cache' });
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map(request))));
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
      // A page URL may carry a query; the page itself is the same file. A
      // server may answer `Vary: Origin` (vite preview does): the page's
      // module and worker requests carry an Origin header that install's
      // requests did not, and the file is the same either way.
      const hit = await cache.match(req, { ignoreSearch: req.mode === 'navigate', ignoreVary: true });
      return hit ?? fetch(req);
    }),
  );
});
