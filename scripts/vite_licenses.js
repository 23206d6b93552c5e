// Vite plugin for the licence notices that ship with the page (imported by
// vite.config.js and vite.single.config.js):
//   bundleLicenses({ embed })  emits THIRD_PARTY_LICENSES.txt: LocalSurv's
//       LICENSE, THIRD_PARTY_NOTICES.txt (what the wasm engine compiles in)
//       and every npm package that Rolldown put into the page's bundles (the
//       page and its worker), with its licence text, as
//       rolldown-license-plugin finds them from each chunk's module list.
//       The page's HTML names the file in a comment; with embed (the single
//       file, which travels alone) the comment holds the whole text.
//   Returns { plugin, worker }: worker goes into worker.plugins so the
//   worker bundle's packages are listed too.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { licensePlugin } from 'rolldown-license-plugin';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LICENSES_FILE = 'THIRD_PARTY_LICENSES.txt';
const RULE = '='.repeat(78);

// Licences that let the page be redistributed as it is, under MIT, with
// these notices. Anything else stops the build until someone decides.
const PERMISSIVE = new Set(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD', 'Apache-2.0', 'CC0-1.0', 'Zlib', 'BlueOak-1.0.0']);
function permissive({ license }) {
  const ids = license.replace(/[()]/g, ' ').split(/\s+(?:OR|AND)\s+/).map((s) => s.trim());
  return ids.length > 0 && ids.every((id) => PERMISSIVE.has(id));
}

function packageSection({ name, version, license, licenseText }) {
  const text = licenseText.trim() || `(${name} ships no licence file; its package.json says ${license}.)`;
  return [RULE, `${name} ${version} (npm) - ${license}`, RULE, '', text.replace(/\r\n?/g, '\n'), ''].join('\n');
}

function noticesText(packages) {
  const read = (f) => fs.readFileSync(path.join(root, f), 'utf8').trimEnd();
  return [
    'LocalSurv: licences of everything in this page',
    '',
    'Contents: LocalSurv\'s own licence; the software compiled into its engine',
    `(localsurv.wasm, localsurv.js); the ${packages.length} npm packages bundled into the page:`,
    ...packages.map((p) => `  ${p.name} ${p.version} - ${p.license}`),
    '',
    RULE,
    'LocalSurv',
    RULE,
    '',
    read('LICENSE'),
    '',
    read('THIRD_PARTY_NOTICES.txt'),
    '',
    ...packages.map(packageSection),
  ].join('\n');
}

// An HTML comment cannot contain "-->", "--!>" or "<!--".
function htmlComment(text) {
  return `<!--\n${text.replace(/--(!?)>/g, '- -$1>').replace(/<!--/g, '<! --')}\n-->`;
}

export function bundleLicenses({ embed = false } = {}) {
  const fromWorkers = new Map();
  const options = { allow: permissive, failOnViolation: true, failOnUnlicensed: true };
  const worker = {
    ...licensePlugin({ ...options, done(deps) {
      for (const d of deps) fromWorkers.set(`${d.name}@${d.version}`, d);
    } }),
    name: 'localsurv:licenses-worker',
  };
  let packages = new Map();
  const main = licensePlugin({ ...options, done(deps) {
    for (const d of deps) packages.set(`${d.name}@${d.version}`, d);
  } });
  let text = null;
  const plugin = {
    name: 'localsurv:licenses',
    apply: 'build',
    async generateBundle(outputOptions, bundle) {
      packages = new Map(fromWorkers);
      await main.generateBundle.call(this, outputOptions, bundle);
      const sorted = [...packages.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      text = noticesText(sorted);
      this.emitFile({ type: 'asset', fileName: LICENSES_FILE, source: text });
    },
  };
  // After the other plugins (vite-plugin-singlefile inlines the scripts), so
  // the comment lands in the final HTML.
  const html = {
    name: 'localsurv:licenses-html',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        for (const file of Object.values(bundle)) {
          if (file.type !== 'asset' || !file.fileName.endsWith('.html')) continue;
          const note = `LocalSurv (MIT License). The licences of the software in this page are in ${LICENSES_FILE}`;
          const comment = embed ? htmlComment(`${note} beside it, and here:\n\n${text}`) : htmlComment(`${note}.`);
          const source = String(file.source);
          file.source = /^<!doctype html>/i.test(source)
            ? source.replace(/^<!doctype html>/i, (d) => `${d}\n${comment}`)
            : `${comment}\n${source}`;
        }
      },
    },
  };
  return { plugins: [plugin, html], worker };
}
