// The one place where the hosted build (dist/) and the single-file build
// (dist-single/localsurv.html) differ. As written here (the sources, the
// hosted build, Node) nothing is inlined: files are fetched next to the page
// and the engine worker's code is the separate file worker.js. The
// single-file build (scripts/vite_offline.js, singleFileInline) replaces this
// module with one exporting the same names:
//   inlined         {[path]: base64} for every path in assets.js OFFLINE_FILES
//   createWorker()  the worker, from a Blob URL of its inlined code
export const inlined = null;

// A worker started from its own URL takes its Content-Security-Policy from
// that file's HTTP headers, which a static host does not send: the engine
// would be free to reach any host. A worker from a Blob URL made by the page
// inherits the page's policy (scripts and connections to the site only), so
// the worker is a one-line Blob that loads worker.js.
// Named Worker because Vite bundles worker.js, and writes its built URL, for
// the text `new Worker(new URL('./worker.js', import.meta.url))`.
function Worker(scriptUrl, options) {
  const code = `URL.revokeObjectURL(self.location.href);importScripts(${JSON.stringify(String(scriptUrl))});`;
  return new globalThis.Worker(URL.createObjectURL(new Blob([code], { type: 'text/javascript' })), options);
}

export function createWorker() {
  return new Worker(new URL('./worker.js', import.meta.url), { name: 'localsurv-engine' });
}
