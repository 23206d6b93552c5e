// The one place where the hosted build (dist/) and the single-file build
// (dist-single/localsurv.html) differ. As written here (the sources, the
// hosted build, Node) nothing is inlined: files are fetched next to the page
// and the engine worker is the separate file worker.js. The single-file build
// (scripts/vite_offline.js, singleFileInline) replaces this module with one
// exporting the same names:
//   inlined         {[path]: base64} for every path in assets.js OFFLINE_FILES
//   createWorker()  the worker, from a Blob URL of its inlined code
export const inlined = null;

export function createWorker() {
  return new Worker(new URL('./worker.js', import.meta.url));
}
