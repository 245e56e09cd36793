/**
 * The mocha suite of test/integration (the one @vscode/test-electron runs in desktop VS Code) in two hosts:
 * code-server's extension host here (loaded through the driver extension, so it runs on every machine with
 * the test environment), and desktop VS Code through test/integration/runTest.ts, which is skipped with its
 * reason where there is no VS Code and none can be downloaded.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { codeServerMissing, installRepoExtension, startCodeServer, type CodeServer } from '../helpers/codeServer';
import { ROOT, buildSuite } from '../integration/build';
import { SKIP_EXIT_CODE } from '../integration/runTest';
import type { SuiteResult } from '../integration/suite/index';
import { locateVscode } from '../integration/vscodeLocator';

let tmp: string | undefined;
let vsc: CodeServer | undefined;

after(async () => {
  await vsc?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

test('the extension mocha suite passes in code-server\'s extension host', { skip: codeServerMissing() }, async t => {
  const suite = await buildSuite();
  tmp = mkdtempSync(join(tmpdir(), 'ts-ext-suite-'));
  const ws = join(tmp, 'workspace');
  cpSync(join(ROOT, 'test', 'fixtures', 'workspace'), ws, { recursive: true });
  vsc = await startCodeServer({
    workspace: ws,
    installExtensions: installRepoExtension,
    userSettings: { 'timerscope.refreshIntervalMs': 500 },
    env: { TIMERSCOPE_TEST_NODE: process.execPath },
  });
  const r = await vsc.evaluate((_v, file) => (require(file) as { run(): Promise<SuiteResult> }).run(), suite);
  t.diagnostic(`mocha: ${r.passes} passing, ${r.pending} pending`);
  assert.equal(r.failures, 0, r.failed.join('\n'));
  assert.equal(r.passes, 3);
});

test('the extension mocha suite in desktop VS Code (@vscode/test-electron)', async t => {
  const where = await locateVscode(ROOT);
  if (where.kind === 'none') return t.skip(where.reason);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'integration', 'runTest.ts')], { cwd: ROOT, encoding: 'utf8', timeout: 8 * 60_000 });
  if (r.status === SKIP_EXIT_CODE) return t.skip(r.stdout.trim());
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});
