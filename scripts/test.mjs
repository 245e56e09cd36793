// Runs the test suites with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/test.mjs [unit|e2e|all] [name-filter]
//   unit: test/unit/**  (real Node child processes, real CDP, real language server)
//   e2e:  test/e2e/**   (headless Chromium webview, code-server VS Code)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const [suite = 'all', filter = ''] = process.argv.slice(2);
const roots = suite === 'all' ? ['test/unit', 'test/e2e'] : [`test/${suite}`];

function collect(dir) {
  let out = [];
  let names;
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const files = roots.flatMap(collect).filter(f => f.includes(filter));
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')} matching '${filter}'`);
  process.exit(1);
}
// Files run alone, after the others: their accuracy assertions assume the target has a core of its own.
// Bare-interval counts (estimated from Node's re-arm times) came out 6-18 % low when two other busy
// processes shared the 2 cores (another test file beside it): see docs/performance.md.
const ALONE = ['liveBareIntervals.test.ts'];
const alone = files.filter(f => ALONE.some(a => f.endsWith(a)));
const together = files.filter(f => !alone.includes(f));
const run = (list, concurrency) =>
  list.length === 0
    ? 0
    : (spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...list], { stdio: 'inherit' }).status ?? 1);
const first = run(together, 2);
const second = run(alone, 1);
process.exit(first || second);
