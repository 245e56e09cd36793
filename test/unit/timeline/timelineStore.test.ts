import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeDeltas } from '../../../src/model/timelineDelta';
import { parseRecording } from '../../../src/model/timelineRecording';
import { TimelineStore } from '../../../src/model/timelineStore';
import { generateScenario, SCENARIO } from '../../fixtures/recordings/generate';
import { loadFixture } from './fixture';

test('the committed fixture is exactly what the generator produces (deterministic)', () => {
  assert.deepEqual(loadFixture(), JSON.parse(JSON.stringify(generateScenario())));
});

test('load: every fire lands in its thread loop, its timer and its site, sorted by start', () => {
  const rec = loadFixture();
  const s = new TimelineStore();
  s.load(rec);
  assert.equal(s.fireCount(), rec.fires.length);
  assert.equal(s.timers.size, rec.timers.length);
  const hb = s.timers.get(SCENARIO.heartbeatTimer)!;
  assert.equal(hb.fires.length, rec.fires.filter(f => f.timerId === SCENARIO.heartbeatTimer).length);
  const site = s.sites.get(SCENARIO.leakSite)!;
  assert.ok(site.timers.length > 10, 'the leak site has many timers');
  for (const arr of [...s.loop.values(), site.fires, hb.fires]) {
    for (let i = 1; i < arr.length; i++) assert.ok(arr[i - 1]!.startMs <= arr[i]!.startMs);
  }
  const workerFires = s.loop.get(1)!;
  assert.ok(workerFires.length > 0 && workerFires.every(f => s.threadOf(f.timerId) === 1));
});

test('deltas: out-of-order fires are inserted in order; a fire before its timer is attached later', () => {
  const s = new TimelineStore();
  s.load(parseRecording(JSON.stringify({ schema: 'timerscope.recording/v1', sites: [], timers: [], fires: [] })));
  s.apply({ sites: [{ id: 1, kind: 'interval', location: { file: '/a.ts', line: 3, column: 1 }, delayMs: 10, threadId: 0 }] });
  s.apply({ fires: [{ timerId: 7, scheduledMs: 20, startMs: 21, durationMs: 1 }] });
  assert.equal(s.sites.get(1)!.fires.length, 0, 'orphan fire waits for its timer');
  s.apply({ timers: [{ id: 7, siteId: 1, kind: 'interval', delayMs: 10, threadId: 0, createdMs: 10, endMs: null, refed: true }] });
  s.apply({ fires: [{ timerId: 7, scheduledMs: 10, startMs: 11, durationMs: 1 }], nowMs: 30 });
  assert.deepEqual(s.timers.get(7)!.fires.map(f => f.startMs), [11, 21]);
  assert.deepEqual(s.sites.get(1)!.fires.map(f => f.startMs), [11, 21]);
  assert.equal(s.nowMs, 30);
  s.apply({ ended: [{ timerId: 7, endMs: 40 }] });
  assert.equal(s.timers.get(7)!.timer.endMs, 40);
});

test('window: a long live stream keeps only the last windowMs of fires (memory stays bounded)', () => {
  const s = new TimelineStore({ windowMs: 1000 });
  s.load(parseRecording(JSON.stringify({ schema: 'timerscope.recording/v1', sites: [], timers: [], fires: [] })));
  s.apply({
    sites: [{ id: 1, kind: 'interval', location: { file: '/a.ts', line: 1, column: 1 }, delayMs: 1, threadId: 0 }],
    timers: [{ id: 1, siteId: 1, kind: 'interval', delayMs: 1, threadId: 0, createdMs: 0, endMs: null, refed: true }],
  });
  let maxHeld = 0;
  for (let t = 0; t < 60_000; t += 10) {
    s.apply({ fires: [{ timerId: 1, scheduledMs: t, startMs: t + 0.5, durationMs: 0.2 }], counters: [{ tMs: t, live: 1 }] });
    maxHeld = Math.max(maxHeld, s.fireCount());
  }
  // 1000 ms of window at 100 fires/s = 100 fires, plus at most a tenth of a window of slack before a trim.
  assert.ok(maxHeld <= 115, `held ${maxHeld} fires`);
  assert.ok(s.horizonMs > 58_000);
  assert.ok(s.timers.get(1)!.fires.length <= 115 && s.sites.get(1)!.fires.length <= 115);
  assert.ok(s.counters.length <= 116);
});

test('findings are de-duplicated per rule, site and thread', () => {
  const s = new TimelineStore();
  s.load(loadFixture());
  const before = s.findings.length;
  s.apply({ findings: [{ ...s.findings[0]!, message: 'updated' }] });
  assert.equal(s.findings.length, before);
  assert.ok(s.findings.some(f => f.message === 'updated'));
});

test('toRecording round-trips through load', () => {
  const a = new TimelineStore();
  a.load(loadFixture());
  const b = new TimelineStore();
  b.load(a.toRecording());
  assert.equal(b.fireCount(), a.fireCount());
  assert.equal(b.timers.size, a.timers.size);
  assert.deepEqual(b.timers.get(1)!.fires, a.timers.get(1)!.fires);
});

test('mergeDeltas concatenates in order and keeps the latest clock', () => {
  const m = mergeDeltas([{ fires: [{ timerId: 1, scheduledMs: 0, startMs: 1, durationMs: 1 }], nowMs: 5 }, { gc: [{ startMs: 2, durationMs: 1 }], nowMs: 9 }, { fires: [{ timerId: 2, scheduledMs: 3, startMs: 4, durationMs: 1 }] }]);
  assert.deepEqual(m.fires!.map(f => f.timerId), [1, 2]);
  assert.equal(m.gc!.length, 1);
  assert.equal(m.nowMs, 9);
});

test('parseRecording rejects other documents with a reason', () => {
  assert.throws(() => parseRecording('nope'), /not JSON/);
  assert.throws(() => parseRecording('{"schema":"timerscope.snapshot/v1"}'), /expected "timerscope.recording\/v1"/);
  assert.throws(() => parseRecording('{"schema":"timerscope.recording/v1","sites":[]}'), /'timers'/);
});
