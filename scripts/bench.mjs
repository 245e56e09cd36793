// Runs the benchmarks under bench/ (TypeScript through tsx), each printing its figures next to a baseline
// measured in the same run. Usage: node scripts/bench.mjs [name-filter] [-- args for the benchmarks]
//   npm run bench                      every bench/*.ts
//   npm run bench -- snapshot --quick  bench/snapshot.ts with --quick
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const [filter = '', ...args] = process.argv.slice(2);
const benches = readdirSync('bench').filter(f => f.endsWith('.ts') && !f.startsWith('.') && f.includes(filter)).sort();
if (benches.length === 0) {
  console.error(`no benchmark under bench/ matching '${filter}'`);
  process.exit(1);
}
let failed = 0;
for (const b of benches) {
  console.log(`\n== bench/${b}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('bench', b), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
