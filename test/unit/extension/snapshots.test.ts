import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimelineStore } from '../../../src/model/timelineStore';
import type { SnapshotTimer } from '../../../src/shared/snapshot';
import { SnapshotHistory, snapshotFileName } from '../../../src/ui/snapshotHistory';
import { emptyRecording } from '../../../src/views/timelineHub';
import { SnapshotTimelineFeed } from '../../../src/views/snapshotFeed';
import { snapshotOf } from './fixtures';

const timer = (id: number, over: Partial<SnapshotTimer> = {}): SnapshotTimer => ({
  id, kind: 'interval', delayMs: 1000, refed: true, keepsAlive: true, ageMs: 200, internal: false,
  location: { file: 'src/a.js', line: 3, column: 1 }, generated: null, callback: { name: 'tick', file: 'src/a.js', line: 3, column: 20 }, ...over,
});

test('snapshotFileName is a safe file name with the process and time', () => {
  assert.equal(snapshotFileName('app.js (pid 42)', '2026-12-04T05:01:02.345Z'), 'app.js-pid-42-2026-12-04T05-01-02.345Z.timerscope-snapshot.json');
  assert.equal(snapshotFileName('../../etc', 'x'), '..-..-etc-x.timerscope-snapshot.json');
  assert.ok(!snapshotFileName('a/b\\c', 't').includes('/'));
  assert.ok(!snapshotFileName('a/b\\c', 't').includes('\\'));
});

test('SnapshotHistory: latest and the previous one of the same process', () => {
  const h = new SnapshotHistory(3);
  const snap = snapshotOf([]);
  assert.equal(h.lastPair(), undefined);
  const a1 = h.add({ sessionId: 'a', processName: 'A', snapshot: snap });
  assert.equal(h.lastPair(), undefined, 'one snapshot is no pair');
  const b1 = h.add({ sessionId: 'b', processName: 'B', snapshot: snap });
  assert.equal(h.lastPair(), undefined, 'two processes are no pair');
  const a2 = h.add({ sessionId: 'a', processName: 'A', snapshot: snap });
  assert.deepEqual(h.lastPair()?.map(s => s.seq), [a1.seq, a2.seq]);
  assert.equal(h.latest('b'), b1);
  h.add({ sessionId: 'b', processName: 'B', snapshot: snap });
  assert.equal(h.size, 3, 'bounded');
  assert.deepEqual(h.lastPair()?.map(s => s.seq), [b1.seq, 4]);
  assert.equal(h.lastPair('a'), undefined, 'a1 fell out of the bounded history');
});

test('SnapshotTimelineFeed: snapshots become sites, timers, ends and live counters the timeline store accepts', () => {
  const t0 = Date.parse('2026-12-04T05:00:00.000Z');
  const feed = new SnapshotTimelineFeed(t0);
  const d1 = feed.next(snapshotOf([timer(1), timer(2), timer(5, { kind: 'timeout', delayMs: 50, location: { file: 'src/b.js', line: 9, column: 2 } })], '2026-12-04T05:00:01.000Z'));
  assert.equal(d1.sites!.length, 2);
  assert.deepEqual(d1.timers!.map(t => [t.siteId, t.createdMs, t.endMs]), [[1, 800, null], [1, 800, null], [2, 800, null]]);
  assert.deepEqual(d1.counters, [{ tMs: 1000, live: 3 }]);
  assert.equal(d1.nowMs, 1000);
  const d2 = feed.next(snapshotOf([timer(1), timer(2), timer(3)], '2026-12-04T05:00:02.000Z'));
  assert.equal(d2.sites!.length, 0, 'sites are sent once');
  assert.equal(d2.timers!.length, 1, 'only the new timer');
  assert.deepEqual(d2.ended, [{ timerId: 3, endMs: 2000 }], 'the timeout that fired or was cleared');
  // The same thread-local async id on a worker is another timer.
  const d3 = feed.next(snapshotOf([timer(1), timer(2), timer(3), timer(1, { threadId: 2 })], '2026-12-04T05:00:03.000Z'));
  assert.equal(d3.timers!.length, 1);
  assert.equal(d3.sites!.length, 1, 'a worker site is its own lane');

  const store = new TimelineStore({ windowMs: null });
  store.load({ ...emptyRecording(), t0 });
  for (const d of [d1, d2, d3]) store.apply(d);
  const rec = store.toRecording();
  assert.equal(rec.timers.length, 5);
  assert.equal(rec.timers.find(t => t.id === 3)!.endMs, 2000);
  assert.deepEqual(rec.counters.map(c => c.live), [3, 3, 4]);
});
