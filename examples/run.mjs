// `npm run example`: everything from a fresh clone to the report. Installs the npm dependencies if they
// are missing, builds Timerscope and the example service (TypeScript → examples/dist with source maps),
// then starts the service under `timerscope snapshot --launch`, which snapshots it once it has served its
// first requests and stops it. Extra arguments go to `timerscope snapshot` (e.g. `npm run example -- --json`).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from '../scripts/ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function step(what, cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[timerscope] ${what} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}

ensureDeps();
step('building Timerscope', 'npm', ['run', '--silent', 'build']);
step('compiling the example', process.execPath, [join(root, 'examples', 'build.mjs')]);
const snapshot = ['snapshot', ...process.argv.slice(2), '--launch', '--after', '2000', '--', 'node', 'examples/dist/server.js'];
console.error(`[timerscope] timerscope ${snapshot.join(' ')}`);
const r = spawnSync(process.execPath, [join(root, 'bin', 'timerscope.js'), ...snapshot], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
