// Runs the benchmarks under bench/ (TypeScript through tsx); each prints ratios against a baseline
// measured in the same run.
// Usage: node scripts/bench.mjs [name ...] [-- bench args]   e.g. node scripts/bench.mjs overhead -- --quick
//   no name: lists the benchmarks
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const names = dash < 0 ? argv : argv.slice(0, dash);
const extra = dash < 0 ? [] : argv.slice(dash + 1);
const available = readdirSync('bench')
  .filter(f => f.endsWith('.ts') && !f.startsWith('.'))
  .map(f => f.slice(0, -3));

if (names.length === 0) {
  console.log(`benchmarks: ${available.join(', ')}\nusage: node scripts/bench.mjs <name ...> [-- args]`);
  process.exit(0);
}
let status = 0;
for (const name of names) {
  const file = join('bench', `${name}.ts`);
  if (!existsSync(file)) {
    console.error(`no benchmark '${name}' (have: ${available.join(', ')})`);
    process.exit(2);
  }
  const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...extra], { stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
