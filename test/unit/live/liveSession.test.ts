/** The live-session host API against real targets: numbers per site, deltas, recording, and a clean detach. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import type { RecordingDelta } from '../../../src/shared/recording';
import { startTarget, until } from '../../helpers/targets';
import { evaluateIn, findingsAt, fixture, reportWhere, siteAt, tagAt, updates, watchFixture } from './liveHelpers';

const file = fixture('live-basic.js');

/** What user code can see of the timer machinery and the global object. */
const FOOTPRINT = `(() => {
  const t = setTimeout(() => {}, 1000);
  const proto = Object.getPrototypeOf(t);
  const out = {
    timerKeys: Object.keys(t).join(','),
    protoKeys: Reflect.ownKeys(proto).map(String).join(','),
    globals: Reflect.ownKeys(globalThis).map(String).filter(k => k.includes('timerscope')).join(','),
  };
  clearTimeout(t);
  return out;
})()`;

const evaluate = evaluateIn;

test('live session: per-site counts, callback time, refreshes, clears and a leak finding; deltas and recording', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const before = await evaluate(conn, FOOTPRINT);
  const live = await startLiveSession(conn);
  const deltas: RecordingDelta[] = [];
  live.onDelta(d => deltas.push(d));
  const busy = tagAt(file, 'busy');
  const leak = tagAt(file, 'leak');
  const guard = tagAt(file, 'guard');
  const cancelled = tagAt(file, 'cancelled');
  const r = await reportWhere(live, 'busy fires, leak growth', r =>
    siteAt(r, file, busy.line).fired >= 8 && findingsAt(r, file, leak.line, 'leak.growth').length > 0 && siteAt(r, file, cancelled.line).created >= 10,
  );

  const b = siteAt(r, file, busy.line);
  assert.deepEqual([b.kind, b.delayMs, b.column, b.callbackName, b.live], ['interval', 100, busy.column, 'busyWork', 1]);
  assert.ok(b.callbackMs.p50 >= 18 && b.callbackMs.p50 < 80, `busyWork runs ~20 ms: ${JSON.stringify(b.callbackMs)}`);
  assert.ok(b.latenessMs.max < 1000, `lateness is a small number of ms: ${JSON.stringify(b.latenessMs)}`);

  const l = siteAt(r, file, leak.line);
  assert.deepEqual([l.kind, l.column, l.callbackName, l.cleared], ['interval', leak.column, 'leaked', 0]);
  assert.ok(l.live >= 5 && l.live === l.created, `every leaked interval is alive: ${l.live}/${l.created}`);
  assert.equal(findingsAt(r, file, leak.line, 'leak.growth')[0].severity, 'error');

  const g = siteAt(r, file, guard.line);
  assert.deepEqual([g.kind, g.live, g.fired], ['timeout', 1, 0]);
  assert.ok((g.refreshed ?? 0) >= 10, `the guard is refreshed every 50 ms: ${g.refreshed}`);
  assert.equal(findingsAt(r, file, guard.line, 'leak.growth').length, 0, 'a refreshed timer is not a leak');

  const c = siteAt(r, file, cancelled.line);
  assert.equal(c.live, 0);
  assert.ok(c.cleared >= c.created - 1 && c.fired === 0, `cleared at once: ${JSON.stringify(c)}`);
  assert.equal(r.dropped, 0);

  // The timeline input: the busy timer's fires as slices, the same data in deltas and in the recording.
  const rec = live.recording();
  const busySite = rec.sites.find(s => s.location?.line === busy.line)!;
  const busyTimer = rec.timers.find(x => x.siteId === busySite.id)!;
  const fires = rec.fires.filter(f => f.timerId === busyTimer.id);
  assert.ok(fires.length >= 8, `recorded fires: ${fires.length}`);
  for (const f of fires) assert.ok(f.startMs >= f.scheduledMs - 2 && f.durationMs >= 15, JSON.stringify(f));
  assert.ok(deltas.some(d => d.fires?.some(f => f.timerId === busyTimer.id)), 'deltas carry the fires');
  assert.ok(deltas.some(d => d.findings?.some(f => f.rule === 'leak.growth')), 'deltas carry findings');
  assert.ok(deltas.some(d => d.counters?.length), 'deltas carry the live-timer counter');

  const { restored } = await live.stop();
  assert.ok(restored >= 3, `restored ${restored} timers`);
  assert.deepEqual(await evaluate(conn, FOOTPRINT), before, 'no accessor, global or binding left behind');
  // Timers made while watching have their own properties back, ended ones included.
  const after = await evaluate<{ guard: string; cancelled: string; destroyed: boolean; onTimeout: string }>(
    conn,
    `({ guard: Object.keys(fixture.guard).join(','), cancelled: Object.keys(fixture.lastCancelled).join(','),
        destroyed: fixture.lastCancelled._destroyed, onTimeout: fixture.guard._onTimeout.name })`,
  );
  assert.match(after.guard, /_idleStart.*_onTimeout|_onTimeout.*_idleStart/);
  assert.match(after.cancelled, /_destroyed/);
  assert.deepEqual([after.destroyed, after.onTimeout], [true, 'idle']);
  assert.equal(target.child.exitCode, null, 'the target still runs');
});

test("a snapshot taken while the agent is attached reads Node's timer lists and the user's callbacks", async t => {
  const { conn, live } = await watchFixture(t, file);
  const busy = tagAt(file, 'busy');
  await reportWhere(live, 'the busy interval is tracked', r => siteAt(r, file, busy.line).fired >= 2);
  // The agent wraps Timeout.prototype.refresh and gives tracked timers a trampoline as `_onTimeout`: the
  // snapshot must still find the lists through Node's own methods and show the real callbacks.
  const snap = await takeSnapshot(conn);
  assert.equal(snap.method, 'timer-lists', JSON.stringify(snap.warnings));
  // The leaked intervals and the guard never fire, so none of them is out of its list mid-callback.
  const leak = tagAt(file, 'leak');
  const guard = tagAt(file, 'guard');
  const seen = JSON.stringify(snap.timers.map(x => [x.callback?.name, x.location?.file, x.location?.line]));
  assert.ok(snap.timers.filter(x => x.location?.line === leak.line && x.callback?.name === 'leaked').length >= 1, seen);
  assert.equal(snap.timers.filter(x => x.location?.line === guard.line && x.callback?.name === 'idle').length, 1, seen);
  assert.ok(!snap.timers.some(x => /timerscope-agent/.test(x.location?.file ?? '')), 'a timer was attributed to the agent');
});

test('live session: the agent removes itself when the host vanishes without detaching', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const before = await evaluate(conn, FOOTPRINT);
  const live = await startLiveSession(conn, { agent: { heartbeatTimeoutMs: 1500 } });
  await reportWhere(live, 'first fires', r => r.sites.some(s => s.fired > 0));
  await conn.close({ killChild: false });
  const again = await target.connect();
  await until('agent gone', async () => ((await evaluate<string>(again, `typeof globalThis.__timerscopeAgent`)) === 'undefined' ? true : undefined), 15000, 200);
  assert.deepEqual(await evaluate(again, FOOTPRINT), before);
  assert.equal(await evaluate(again, 'fixture.guard._onTimeout.name'), 'idle');
});

test('live session: two sessions on one process both get every batch; the agent stays until the last one leaves', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const first = await startLiveSession(conn);
  await reportWhere(first, 'first fires', r => r.sites.some(s => s.fired > 0));
  const conn2 = await target.connect();
  const second = await startLiveSession(conn2);
  const busy = tagAt(file, 'busy');
  const leak = tagAt(file, 'leak');
  const r = await reportWhere(second, 'busy fires in the second session', r => r.sites.some(s => s.line === busy.line && s.fired >= 3));
  assert.ok(r.sites.length > 0);
  // The first session still gets batches while the second one watches, and after it has left.
  const before = siteAt(first.report(), file, busy.line).fired;
  await reportWhere(first, 'the first session keeps counting', r => siteAt(r, file, busy.line).fired >= before + 3);
  const liveBefore = siteAt(first.report(), file, leak.line).live;
  assert.equal(siteAt(first.report(), file, leak.line).created, liveBefore, 'the re-report for the second host counted no timer twice');
  await second.stop();
  assert.equal(await evaluate(conn, `typeof globalThis.__timerscopeAgent`), 'object', 'the agent stays for the first session');
  const after = siteAt(first.report(), file, busy.line).fired;
  await reportWhere(first, 'the first session counts on after the second left', r => siteAt(r, file, busy.line).fired >= after + 3);
  await first.stop();
  assert.equal(await evaluate(conn, `typeof globalThis.__timerscopeAgent`), 'undefined');
});

test('attach and detach many times on one connection: no listener is left behind on it', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const client = conn.client as unknown as { listenerCount(e: string): number };
  const count = () => client.listenerCount('Debugger.scriptParsed') + client.listenerCount('Runtime.bindingCalled');
  const first = await startLiveSession(conn);
  await first.stop();
  const after1 = count();
  for (let i = 0; i < 5; i++) await (await startLiveSession(conn)).stop();
  // The extension keeps one connection per process while the user attaches and detaches.
  assert.equal(count(), after1, 'listeners grew with each session');
});

test('detaching while a tracked callback runs (stop() at an inspector interrupt): nothing is thrown into the program', async t => {
  // The agent used to end the timeout after its callback in a list stop() had already emptied: a TypeError
  // out of the trampoline, i.e. an uncaught exception in the user's process, whenever a watch ended during a
  // callback.
  const { target, live } = await watchFixture(t, fixture('stopMidCallback.js'));
  await target.waitForOutput(/busy/);
  await live.stop();
  await target.waitForOutput(/timers still work|UNCAUGHT.*/);
  assert.doesNotMatch(target.output(), /UNCAUGHT/);
  assert.match(target.output(), /detached during the callback/);
});

test('attach and detach 8 times while the program creates timers and the agent adopts thousands: every timer keeps its own callback', async t => {
  // Detaches land wherever the program or the agent's flush happens to be (inspector interrupts). They used
  // to leave trampolines behind on a timer whose setTimeout() call was running, and on the rest of a list
  // walk that was adopting sampled-out timers (up to 2,000 at once).
  const target = await startTarget(t, fixture('detachRaces.js'));
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  type Check = { foreign: number; held: number; sample: string; protoSame: boolean; agent: string; uncaught: number };
  for (let i = 0; i < 8; i++) {
    const live = await startLiveSession(conn);
    // Stop after the 1st, 2nd or 3rd batch: while the agent still walks Node's lists on every flush.
    await updates(live, 1 + (i % 3));
    await live.stop();
    const c = await evaluateIn<Check>(conn, '__check()');
    assert.equal(c.foreign, 0, `cycle ${i}: ${c.foreign} of ${c.held} held timers keep a callback that is not theirs: ${c.sample}`);
    assert.equal(c.protoSame, true, `cycle ${i}: Timeout.prototype changed`);
    assert.equal(c.agent, 'undefined', `cycle ${i}: the agent is still there`);
    assert.equal(c.uncaught, 0, `cycle ${i}: ${target.output()}`);
  }
  await evaluateIn(conn, '__quit()');
});

test('a detach inside the agent\'s walk of the timer lists: the walk stops, nothing adopted after it keeps a trampoline', async t => {
  const { conn, live } = await watchFixture(t, fixture('detachInWalk.js'));
  await updates(live);
  // The agent walks the lists at each of its first flushes: the next one meets the tripwire.
  assert.equal(await evaluateIn(conn, '__arm()'), true);
  type Check = { stops: number; agent: string; foreign: number; tripwireOwn: boolean };
  const c = await until('the tripwire stopped the agent', async () => {
    const r = await evaluateIn<Check>(conn, '__check()');
    return r.agent === 'undefined' ? r : undefined;
  });
  assert.equal(c.stops, 1);
  assert.equal(c.foreign, 0, `${c.foreign} of 50 enrolled timers kept the agent's trampoline after it left`);
  assert.equal(c.tripwireOwn, true);
  await evaluateIn(conn, '__quit()');
});
