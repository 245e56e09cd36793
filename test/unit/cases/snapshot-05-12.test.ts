/** Cases 05 (TypeScript + source maps) and 12 (lost handle vs refresh) from ../shared/cases. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import { countAt, describeSites, loadExpected, sitesAt } from '../../helpers/snapshots';
import { casesDir, startTarget, until } from '../../helpers/targets';

test('case 05: intervals of discarded class instances are reported at their TypeScript line', async t => {
  const name = '05-class-instance-discarded-ts';
  const exp = loadExpected(name);
  const leak = exp.liveTimers[0];
  const target = await startTarget(t, 'target.js', { cwd: path.join(casesDir(), name) });
  await target.waitForOutput(/now tracking/);
  const snap = await takeSnapshot(await target.connect());
  const sites = sitesAt(snap, leak.source.file, leak.source.line, 'interval');
  assert.equal(sites.length, 1, describeSites(snap));
  assert.equal(sites[0].count, leak.count);
  assert.equal(sites[0].column, leak.source.column);
  assert.equal(sites[0].refed, leak.count);
  assert.equal(sites[0].delayMs, leak.periodMs);
  const timer = snap.timers.find(x => x.location?.file.endsWith('ttl-cache.ts'))!;
  assert.deepEqual(timer.generated, { file: leak.generated.file, line: leak.generated.line, column: leak.generated.column });
  assert.deepEqual(
    { file: timer.callback?.file, line: timer.callback?.line, column: timer.callback?.column },
    { file: leak.callback.source.file, line: leak.callback.source.line, column: leak.callback.source.column },
  );
  const watchdog = exp.harnessTimers[0];
  const [wFile, wLine] = watchdog.source.split(':');
  const w = sitesAt(snap, wFile, Number(wLine), 'timeout');
  assert.equal(w.length, 1, describeSites(snap));
  assert.equal(w[0].refed, 0);
  assert.deepEqual(snap.keepAliveReasons.map(r => r.location?.file), ['ttl-cache.ts']);
});

test('case 12: the lost handle piles up 201 timeouts at line 21; the refreshed one stays single', async t => {
  const name = '12-lost-timer-handle-vs-refresh';
  const exp = loadExpected(name);
  const target = await startTarget(t, 'target.js', { cwd: path.join(casesDir(), name) });
  const conn = await target.connect();
  // While messages flow, line 21 grows and line 37 stays at exactly one timer.
  const early = await until('messages to flow', async () => {
    const s = await takeSnapshot(conn);
    return countAt(s, 'target.js', 21, 'timeout') > 20 ? s : undefined;
  });
  assert.equal(countAt(early, 'target.js', 37, 'timeout'), 1, describeSites(early));
  assert.equal(sitesAt(early, 'target.js', 37)[0].column, 18);
  // After the 200 pings: the pinger interval (line 69) is gone, exactly 201 orphans remain.
  const settled = await until(
    'the pinger to stop and the last message to arrive',
    async () => {
      const s = await takeSnapshot(conn);
      return countAt(s, 'target.js', 69, 'interval') === 0 && countAt(s, 'target.js', 21) === 201 ? s : undefined;
    },
    15000,
    200,
  );
  const orphan = exp.liveTimers[0];
  const site = sitesAt(settled, 'target.js', 21, 'timeout')[0];
  assert.equal(site.column, orphan.column);
  assert.equal(site.delayMs, orphan.delayMs);
  assert.equal(site.refed, 201);
  assert.equal(countAt(settled, 'target.js', 37, 'timeout'), 1, 'the refreshed guard is still one timer');
  // After the close at ~12 s: the orphans alone keep the process alive.
  await target.waitForOutput(/closed; server saw 200 messages/);
  // The sockets finish closing a moment after that line (later still on a loaded machine).
  const after = await until('the sockets to finish closing', async () => {
    const s = await takeSnapshot(conn);
    return s.handles.some(h => h.keepsAlive) ? undefined : s;
  }, 10000, 100).catch(() => takeSnapshot(conn));
  assert.equal(countAt(after, 'target.js', 37), 0);
  assert.equal(countAt(after, 'target.js', 21), 201);
  assert.equal(after.handles.filter(h => h.keepsAlive).length, 0, JSON.stringify(after.handles));
  assert.deepEqual(
    after.keepAliveReasons.map(r => `${r.location?.line}×${r.count}`),
    ['21×201'],
  );
});
