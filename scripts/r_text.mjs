// `import text from './file.R?raw'` in Node, as Vite reads it: the file's
// text as the module's default export. web/rscript.js imports its R code so
// (web/r/*.R), and the Node tests import web/rscript.js. node_env.sh's
// localsurv_use_node registers this with NODE_OPTIONS=--import for every
// Node it runs; by hand: node --import ./scripts/r_text.mjs ...
import { register } from 'node:module';

register('./r_text_hooks.mjs', import.meta.url);
