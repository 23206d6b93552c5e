// Module hooks for scripts/r_text.mjs: only .R files asked for with ?raw.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

export async function load(url, context, nextLoad) {
  const u = new URL(url);
  if (u.protocol === 'file:' && u.search === '?raw' && u.pathname.endsWith('.R')) {
    u.search = '';
    const text = fs.readFileSync(fileURLToPath(u), 'utf8');
    return { format: 'module', shortCircuit: true, source: `export default ${JSON.stringify(text)};\n` };
  }
  return nextLoad(url, context);
}
