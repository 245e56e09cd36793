/** Cases 01 and 03 (../shared/cases): keep-alive blame must follow hasRef(), for timers and handles. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import { countAt, describeSites, loadExpected, sitesAt, timersAt } from '../../helpers/snapshots';
import { casesDir, startTarget } from '../../helpers/targets';

test('case 01: a library interval created at require time is the only thing keeping the process alive', async t => {
  const name = '01-library-interval-keeps-alive';
  const exp = loadExpected(name);
  const target = await startTarget(t, 'target.js', { cwd: path.join(casesDir(), name) });
  await target.waitForOutput(/all work done/);
  const snap = await takeSnapshot(await target.connect());
  const leak = exp.liveTimers[0];
  const sites = sitesAt(snap, leak.file, leak.line, 'interval');
  assert.equal(sites.length, 1, describeSites(snap));
  assert.equal(sites[0].count, 1);
  assert.equal(sites[0].column, leak.column);
  assert.equal(sites[0].delayMs, leak.periodMs);
  assert.equal(sites[0].refed, 1);
  assert.equal(sites[0].callbackName, leak.callbackName);
  // The watchdog is listed, unref'd, and not blamed.
  const watchdog = timersAt(snap, exp.harnessTimers[0].file, exp.harnessTimers[0].line);
  assert.equal(watchdog.length, 1);
  assert.equal(watchdog[0].refed, false);
  assert.equal(watchdog[0].keepsAlive, false);
  assert.equal(watchdog[0].delayMs, 90000);
  // The only keep-alive reason is the interval: no server or socket after the work is done.
  const reasons = snap.keepAliveReasons;
  assert.deepEqual(reasons.map(r => r.what), ['timer'], JSON.stringify(reasons));
  assert.equal(reasons[0].location?.line, leak.line);
  assert.equal(snap.handles.filter(h => h.keepsAlive).length, 0, JSON.stringify(snap.handles));
});

test("case 03: unref'd timers are listed with their state but never blamed; the server is", async t => {
  const name = '03-unrefd-timers-false-positive';
  const exp = loadExpected(name);
  const target = await startTarget(t, 'target.js', { cwd: path.join(casesDir(), name) });
  await target.waitForOutput(/client done/);
  const snap = await takeSnapshot(await target.connect());
  for (const e of exp.liveTimers) {
    const sites = sitesAt(snap, e.file, e.line, e.kind);
    assert.equal(sites.length, 1, `${e.file}:${e.line}\n${describeSites(snap)}`);
    assert.equal(sites[0].count, e.count);
    assert.equal(sites[0].column, e.column);
    assert.equal(sites[0].refed, 0, `${e.file}:${e.line} must be unref'd`);
    assert.equal(sites[0].callbackName, e.callbackName);
    assert.equal(sites[0].delayMs, e.periodMs ?? e.delayMs);
  }
  assert.equal(countAt(snap, 'target.js', 31, 'timeout'), 1, 'watchdog listed');
  assert.equal(snap.timers.filter(x => x.keepsAlive).length, 0, 'no timer keeps the process alive');
  const keepers = snap.handles.filter(h => h.keepsAlive);
  assert.equal(keepers.length, 1, JSON.stringify(snap.handles));
  assert.match(keepers[0].type, /Server/);
  assert.match(keepers[0].detail, /listening on 127\.0\.0\.1:\d+/);
  assert.deepEqual(snap.keepAliveReasons.map(r => r.what), ['handle']);
});
