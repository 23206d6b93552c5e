// What the browser suites share: a static server for a build folder, a
// recording proxy that refuses anything leaving the machine, and Debian's
// Chromium launched the one way the project allows (never a downloaded
// browser).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { chromium } from 'playwright-core';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * Serves `dir` on a free loopback port. `state` (optional) logs every hit in
 * state.hits and, while state.down is true, refuses everything.
 */
export function startServer(dir, state = null) {
  const server = http.createServer((req, res) => {
    if (state) {
      state.hits.push({ url: req.url, down: state.down });
      if (state.down) {
        req.socket.destroy();
        return;
      }
    }
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// Chromium sends everything not on loopback to this proxy, which records and
// refuses it: a second witness for requests Playwright's events do not show
// (e.g. the browser's own favicon fetch) or that would leave the machine.
export function startRecordingProxy(log) {
  const proxy = http.createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    res.writeHead(403).end();
  });
  proxy.on('connect', (req, socket) => {
    log.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  return new Promise((resolve, reject) => {
    proxy.once('error', reject);
    proxy.listen(0, '127.0.0.1', () => resolve(proxy));
  });
}

export function closeServer(s) {
  if (!s) return undefined;
  s.closeAllConnections();
  return new Promise((resolve) => s.close(resolve));
}

// The browser's own service traffic, not the page's: Debian's /usr/bin/chromium
// wrapper (/etc/chromium.d) exports Google API keys and adds
// --enable-remote-extensions, so Chromium checks extension updates and signs in
// to GAIA whatever the page does, and asks for autofill predictions for any
// http(s) page with a form; an update check can be redirected to Google's
// download redirector (redirector.gvt1.com, seen in a CI run). The proxy
// refuses these too; they are only exempt from the assertions, by exact host
// (fonts.googleapis.com etc. still fail).
export const BROWSER_SERVICE_HOSTS = new Set(['update.googleapis.com', 'redirector.gvt1.com', 'accounts.google.com', 'content-autofill.googleapis.com']);

export function proxiedHost(entry) {
  const [method, target] = entry.split(' ');
  return method === 'CONNECT' ? target.replace(/:\d+$/, '') : new URL(target).hostname;
}

/**
 * Debian's Chromium, headless, every non-loopback request through `proxyPort`.
 * contextOptions: more of Playwright's context options (e.g. {locale: 'zh-CN'}).
 */
export async function launchChromium(userDataDir, proxyPort, wait, contextOptions = {}) {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
      // Loopback (the test server) stays direct: Chromium never proxies it.
      `--proxy-server=http://127.0.0.1:${proxyPort}`,
    ],
    viewport: { width: 1200, height: 900 },
    timeout: 30_000,
    ...contextOptions,
  });
  context.setDefaultTimeout(wait);
  // Every Content-Security-Policy violation in a page becomes a console error,
  // which watchErrors records: the suites' flows must cause none. (The engine
  // worker reports its own: web/worker.js.)
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`Content-Security-Policy violation: ${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return context;
}

/**
 * One suite's browser: start() checks the build files exist, serves `dir`,
 * starts the recording proxy (into `proxied`) and Chromium in a fresh profile,
 * and resolves to {server, origin, proxy, context, userDataDir}; stop() closes
 * all of it. A suite calls them from its before and after hooks.
 */
export function chromiumSuite({ dir, required = [], proxied = [], wait, profilePrefix = 'localsurv-chromium-', contextOptions = {} }) {
  const s = {};
  return {
    async start() {
      for (const f of required) assert.ok(fs.existsSync(f), `${f} is missing: run bash scripts/build.sh first`);
      s.server = await startServer(dir);
      s.origin = `http://127.0.0.1:${s.server.address().port}`;
      s.proxy = await startRecordingProxy(proxied);
      s.userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), profilePrefix));
      s.context = await launchChromium(s.userDataDir, s.proxy.address().port, wait, contextOptions);
      return s;
    },
    async stop() {
      await s.context?.close().catch(() => {});
      await closeServer(s.server);
      await closeServer(s.proxy);
      if (s.userDataDir) fs.rmSync(s.userDataDir, { recursive: true, force: true });
    },
  };
}

/** Records a page's console errors, uncaught exceptions and crashes. */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()} [${m.location().url}]`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('crash', () => errors.push('page crashed'));
  return errors;
}

/** Opens `url` and loads the bundled example; resolves when the analysis form shows. */
export async function openExample(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page.click('#example-button');
  await page.waitForSelector('#setup-section:not([hidden])', { state: 'visible' });
}
