// A PATH made for a test: a folder of links to every program in the system's
// bin folders except the hidden ones, plus scripts of the test's own (a fake
// node, a logging cmake). Runs the project's shell scripts as they would run
// on a machine that lacks those programs, without touching the machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { root } from './harness.mjs';

const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/**
 * hide(name) -> true for programs to leave out; scripts: {name: text} written
 * as executables (replacing a link of that name). Returns {bin, env(extra),
 * cleanup()}; env() is process.env with PATH = bin only.
 */
export function pathFarm({ hide = () => false, scripts = {} } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localsurv-path-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const d of SYSTEM_DIRS) {
    let names;
    try {
      names = fs.readdirSync(d);
    } catch {
      continue;
    }
    for (const name of names) {
      const target = path.join(d, name);
      if (hide(name) || fs.existsSync(path.join(bin, name))) continue;
      try {
        const st = fs.statSync(target);
        if (!st.isFile() || (st.mode & 0o111) === 0) continue;
      } catch {
        continue;
      }
      fs.symlinkSync(target, path.join(bin, name));
    }
  }
  for (const [name, text] of Object.entries(scripts)) {
    fs.rmSync(path.join(bin, name), { force: true });
    fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  }
  return {
    dir,
    bin,
    env(extra = {}) {
      const env = { ...process.env, PATH: bin, ...extra };
      // Set by the scripts themselves (scripts/node_env.sh).
      delete env.EM_NODE_JS;
      // A node --test run inside a test reports to this runner, not to its
      // own output, when it sees this.
      delete env.NODE_TEST_CONTEXT;
      return env;
    },
    cleanup() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs a command in the repository; resolves {status, stdout, stderr}. */
export function run(cmd, args, env, { cwd = root } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr, output: `${stdout}\n${stderr}` }));
  });
}

/** The pinned versions and integrities in scripts/node_env.sh. */
export function pinnedNode() {
  const text = fs.readFileSync(path.join(root, 'scripts/node_env.sh'), 'utf8');
  const get = (name) => text.match(new RegExp(`^${name}=(\\S+)$`, 'm'))[1];
  return {
    node: get('LOCALSURV_NODE_VERSION'),
    nodeIntegrity: get('LOCALSURV_NODE_INTEGRITY'),
    npm: get('LOCALSURV_NPM_VERSION'),
    npmIntegrity: get('LOCALSURV_NPM_INTEGRITY'),
  };
}
