/** Case 04 (../shared/cases): one interval per request piles up at one line; diff shows the growth. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import { diffSnapshots } from '../../../src/model/snapshotDiff';
import { describeSites, loadExpected, sitesAt } from '../../helpers/snapshots';
import { casesDir, startTarget } from '../../helpers/targets';

test('case 04: intervals at target.js:24 grow 10 → 20 → 30 with the request waves', async t => {
  const name = '04-interval-per-request';
  const exp = loadExpected(name);
  const leak = exp.liveTimers[0];
  const target = await startTarget(t, 'target.js', { cwd: path.join(casesDir(), name) });
  const conn = await target.connect();
  const snaps = [];
  for (const [i, window] of exp.liveTimersOverTime.entries()) {
    await target.waitForOutput(new RegExp(`wave done at \\d+ ms: ${(i + 1) * 10} beacons`));
    const snap = await takeSnapshot(conn);
    const sites = sitesAt(snap, leak.file, leak.line, 'interval');
    assert.equal(sites.length, 1, describeSites(snap));
    assert.equal(sites[0].count, window.count, `wave ${i + 1}`);
    assert.equal(sites[0].refed, window.count);
    assert.equal(sites[0].column, leak.column);
    assert.equal(sites[0].delayMs, leak.periodMs);
    assert.equal(sites[0].callbackName, leak.callbackName);
    // The callback is the named function at line 12; the creation site is the call at line 24.
    const timer = snap.timers.find(x => x.location?.line === leak.line)!;
    assert.equal(timer.callback?.line, leak.callbackLine);
    assert.equal(timer.locationSource, 'inferred-call');
    assert.equal(snap.sites[0].line, leak.line, 'the leak is the most suspicious site');
    snaps.push(snap);
  }
  const last = snaps[snaps.length - 1];
  // Node's own connections-checking interval is listed as internal and unref'd, not blamed.
  const internal = last.timers.filter(x => x.internal && x.kind === 'interval' && x.delayMs === 30000);
  assert.equal(internal.length, 1);
  assert.equal(internal[0].refed, false);
  assert.ok(last.handles.some(h => h.keepsAlive && /Server/.test(h.type)), 'the listening server keeps it alive');
  assert.equal(last.keepAliveReasons[0].location?.line, leak.line);
  const growth = diffSnapshots(snaps[0], last).find(e => e.line === leak.line);
  assert.deepEqual({ change: growth?.change, before: growth?.before, after: growth?.after }, { change: 'grew', before: 10, after: 30 });
});
