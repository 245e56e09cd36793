/** CLI options a user can get wrong before any work starts: unwritable output files, launch-only flags without --launch. */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../helpers/cli';
import { repoRoot } from '../../helpers/targets';

const recording = path.join(repoRoot, 'test', 'fixtures', 'recordings', 'small.timerscope.json');
const missing = path.join(mkdtempSync(path.join(tmpdir(), 'ts-out-')), 'no-such-folder');

const cases: [string, string[], string][] = [
  ['view --html', ['view', recording, '--html', path.join(missing, 'r.html')], 'r.html'],
  ['export -o', ['export', recording, '--format', 'perfetto', '-o', path.join(missing, 't.json')], 't.json'],
  // Nothing listens on port 1: the output path must be refused first, before any connection attempt.
  ['snapshot --out', ['snapshot', '--port', '1', '--out', path.join(missing, 's.json')], 's.json'],
  ['record --out', ['record', '--port', '1', '--out', path.join(missing, 'r.json')], 'r.json'],
];

for (const [what, args, name] of cases) {
  test(`${what} into a missing folder: one line naming the file, exit 1`, async () => {
    const res = await runCli(args);
    assert.equal(res.code, 1, res.stderr);
    const lines = res.stderr.trim().split('\n');
    assert.equal(lines.length, 1, res.stderr);
    assert.match(lines[0], new RegExp(`^timerscope: cannot write '.*${name.replace('.', '\\.')}': its folder does not exist$`));
  });
}

test('snapshot --after / --keep without --launch: refused with one line and exit 2 instead of being ignored', async () => {
  for (const flag of [['--after', '500'], ['--keep']]) {
    const res = await runCli(['snapshot', '--port', '1', ...flag]);
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr.trim(), new RegExp(`^timerscope: ${flag[0]} only works with --launch \\(`));
  }
});

test('--port outside 1-65535 is a usage mistake: one line, exit 2', async () => {
  for (const port of ['0', '99999']) {
    const res = await runCli(['snapshot', '--port', port]);
    assert.equal(res.code, 2, res.stderr);
    assert.equal(res.stderr.trim(), `timerscope: --port needs a TCP port from 1 to 65535, got ${port}`);
  }
});
