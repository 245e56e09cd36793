/**
 * The extension keeps polling snapshots while the live agent is in (ref state, per-timer rows). The agent
 * routes every Timeout's `_onTimeout` through one trampoline; snapshots must still attribute timers to the
 * user's call sites, for timers made before and after the injection.
 */
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import { startTarget, until } from '../../helpers/targets';

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
  // Only the agent's own unref'd flush timer lives in the agent (the editor hides it); no user timer.
  for (const s of snap.sites.filter(x => x.file.includes('timerscope-agent'))) assert.equal(s.refed, 0, JSON.stringify(s));
  const cbs = snap.timers.map(x => x.callback?.name).filter(Boolean).sort();
  assert.ok(cbs.includes('beforeAttach') && cbs.includes('afterAttach'), JSON.stringify(cbs));
});
