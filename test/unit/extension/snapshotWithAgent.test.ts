/**
 * The extension keeps polling snapshots while the live agent is in (ref state, per-timer rows). The agent
 * routes every Timeout's `_onTimeout` through one trampoline; snapshots must still attribute timers to the
 * user's call sites, for timers made before and after the injection.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import { repoRoot, startTarget, until } from '../../helpers/targets';

const PROGRAM = `'use strict';
const before = setInterval(function beforeAttach() {}, 1000);
globalThis.later = () => setInterval(function afterAttach() {}, 1000);
process.stdin.resume();
console.log('ready');
setTimeout(() => process.exit(0), 60000).unref();
`;

test('snapshots taken while the agent is in name the user call sites, not the agent', async t => {
  const dir = mkdtempSync(join(tmpdir(), 'ts-agent-snap-'));
  const file = join(dir, 'prog.js');
  writeFileSync(file, PROGRAM);
  const target = await startTarget(t, file, { cwd: dir });
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const live = await startLiveSession(conn, { workers: false });
  t.after(async () => {
    await live.stop();
    await conn.close();
  });
  await conn.client.Runtime.evaluate({ expression: 'globalThis.later()' });
  await until('the agent to see the new timer', async () => (live.report().sites.some(s => s.line === 3) ? true : undefined));
  const snap = await takeSnapshot(conn);
  const lines = snap.sites.filter(s => s.file.endsWith('prog.js')).map(s => `${s.line}:${s.kind}`).sort();
  assert.deepEqual(lines, ['2:interval', '3:interval', '6:timeout'], JSON.stringify(snap.sites));
  // The agent's own unref'd flush timer is Timerscope's: not listed (editor, tree, palette report, CLI).
  assert.deepEqual(snap.sites.filter(x => x.file.includes('timerscope-agent')), [], JSON.stringify(snap.sites));
  assert.deepEqual(snap.timers.filter(x => x.callback?.file.includes('timerscope-agent')), []);
  assert.equal(snap.timers.length, 3, JSON.stringify(snap.timers.map(x => [x.kind, x.callback?.name, x.location?.line])));
  const cbs = snap.timers.map(x => x.callback?.name).filter(Boolean).sort();
  assert.ok(cbs.includes('beforeAttach') && cbs.includes('afterAttach'), JSON.stringify(cbs));

  // The CLI over a second inspector connection, the agent still in: its report does not list the agent either.
  const cli = spawnSync(process.execPath, [join(repoRoot, 'bin', 'timerscope.js'), 'snapshot', '--ws', target.url, '--json'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(cli.status, 0, cli.stderr);
  const fromCli = JSON.parse(cli.stdout) as typeof snap;
  assert.deepEqual(fromCli.sites.filter(s => s.file.endsWith('prog.js')).map(s => `${s.line}:${s.kind}`).sort(), ['2:interval', '3:interval', '6:timeout']);
  assert.ok(!cli.stdout.includes('timerscope-agent'), cli.stdout);
  assert.equal(fromCli.timers.length, 3);
  const text = spawnSync(process.execPath, [join(repoRoot, 'bin', 'timerscope.js'), 'snapshot', '--ws', target.url], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /prog\.js:2\b/);
  assert.doesNotMatch(text.stdout, /timerscope-agent/);
  assert.ok(live.report().sites.length > 0 && !live.ended, 'the agent stays in while the CLI reads the timers');
});
