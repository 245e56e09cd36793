// Makes sure the npm dependencies are installed, so that the README's commands work on a fresh clone:
// `npm ci` when node_modules is missing, `npm install` when package.json names a package that
// node_modules lacks (never wipes an existing node_modules), nothing at all when everything is there.
// Usage: node scripts/ensure-deps.mjs   (or import { ensureDeps } from it)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Declared dependencies that are not installed. */
function missingPackages() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });
  return names.filter(n => !existsSync(join(root, 'node_modules', n, 'package.json')));
}

export function ensureDeps() {
  const fresh = !existsSync(join(root, 'node_modules'));
  const missing = fresh ? [] : missingPackages();
  if (!fresh && missing.length === 0) return;
  const args = fresh ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  console.error(`[timerscope] npm ${args[0]}${fresh ? ' (first run on this clone)' : ` (missing: ${missing.join(', ')})`}`);
  const r = spawnSync('npm', args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`[timerscope] npm ${args[0]} failed (exit ${r.status ?? r.signal}); run it yourself to see why`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureDeps();
