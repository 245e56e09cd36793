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
const args = ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files];
const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(r.status ?? 1);
