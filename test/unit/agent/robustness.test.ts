/**
 * The agent under abuse, in real child processes: a host that vanished (its binding throws, or it stops
 * pinging) makes the agent remove itself without user code noticing; a flood of fires and creations
 * between two flushes is dropped and counted, not buffered; memory stays bounded under timer churn; and a
 * running agent never keeps the process alive.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFixture } from './childRun';

type Out = Record<string, unknown> & { uncaught: number };

async function robust(mode: string): Promise<Out> {
  const r = await runFixture<Out>('robust.js', [mode], { timeoutMs: 60000 });
  assert.equal(r.code, 0, `robust.js ${mode} exited with ${r.code}:\n${r.stderr}`);
  assert.ok(r.result, `robust.js ${mode} printed no RESULT:\n${r.stdout}\n${r.stderr}`);
  return r.result;
}

test('a binding that throws (host gone): the agent removes itself, restores everything, never throws into user code', async () => {
  const r = await robust('binding-throws');
  assert.equal(r.uncaught, 0, `user code saw an exception: ${r.uncaughtMessage}`);
  assert.equal(r.protoRestored, true);
  assert.equal(r.ownCallbackBack, true, 'a live interval did not get its own _onTimeout back');
  assert.equal(r.thisOk, true, 'interval callback saw another this/arguments');
  assert.ok((r.firesAfterStop as number) >= 3);
});

test('no pings from the host: the agent says goodbye and removes itself after heartbeatTimeoutMs', async () => {
  const r = await robust('heartbeat');
  assert.equal(r.uncaught, 0);
  assert.equal(r.bye, 'heartbeat lost');
  assert.ok((r.agentGoneAfterMs as number) >= 250, `gone after ${r.agentGoneAfterMs} ms, before the 300 ms timeout`);
  assert.equal(r.protoRestored, true);
  assert.equal(r.thisOk, true);
});

test('a refresh storm (a socket idle timer, refreshed on every read and write): every refresh counted, one timeline mark per timer and flush', async () => {
  const r = await robust('refreshes');
  assert.equal(r.uncaught, 0);
  assert.ok((r.reported as number) >= 4, `the four idle timers were reported: ${r.reported}`);
  assert.equal(r.refreshed, 36000);
  assert.deepEqual(r.marksPerBatch, [4, 4, 4]);
  assert.equal(r.dropped, 0, 'nothing dropped: the marks stayed far below the cap');
});

test('a flood between two flushes is bounded by the ring buffer and the window, sampled and estimated', async () => {
  // ringCapacity 1000, windowCap 500, no automatic flush; 5,000 one-millisecond timeouts all fire. Past the
  // window the agent tracks 1 in 4, then 1 in 16 creations, each standing for that many in the counts.
  const r = await robust('flood');
  assert.equal(r.fired, 5000, 'a callback was lost');
  assert.ok((r.fires as number) <= 1000, `the batch carried ${r.fires} fire records, more than the ring holds`);
  assert.ok((r.fires as number) >= 500, `only ${r.fires} fire records: the window's 500 tracked timers all fired`);
  assert.ok((r.unsampled as number) >= 3000, `only ${r.unsampled} creations sampled out`);
  assert.ok((r.unsampled as number) < 5000 - 500, `${r.unsampled} sampled out: the window's first 500 are tracked`);
  const created = r.countedCreated as number;
  const firedCount = r.countedFired as number;
  assert.ok(created > 2500 && created < 10000, `sites counted ${created} creations for 5,000`);
  assert.ok(firedCount > 2500 && firedCount < 10000, `sites counted ${firedCount} fires for 5,000`);
});

test('memory stays bounded under 300k set+clear (heap after GC, with vs without the agent)', async () => {
  const run = async (mode: 'none' | 'agent') => {
    const r = await runFixture<Out>('robust.js', ['memory', mode], { timeoutMs: 90000, env: { NODE_OPTIONS: '--expose-gc' } });
    assert.equal(r.code, 0, r.stderr);
    return r.result!.growthMb as number;
  };
  const without = await run('none');
  const withAgent = await run('agent');
  assert.ok(withAgent - without < 16, `the agent kept ${(withAgent - without).toFixed(1)} MB after 300k timers`);
});

test('a running agent (never stopped) does not keep the process alive', async () => {
  const r = await runFixture<Out>('robust.js', ['exit'], { timeoutMs: 20000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.result?.ranCallback, true);
});

test("attaching to a program at its maximum of 'exit' listeners prints no MaxListenersExceededWarning", async () => {
  const r = await runFixture<Out>('robust.js', ['listeners'], { timeoutMs: 20000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.result?.warnings, []);
  assert.ok(!r.stderr.includes('MaxListenersExceededWarning'), r.stderr);
});

test('sealed timers: one from before attach keeps working, one sealed while tracked gets its callback back at stop()', async () => {
  const r = await robust('sealed');
  assert.equal(r.uncaught, 0, String(r.uncaughtMessage));
  assert.equal(r.stopThrew, false);
  assert.equal(r.agentGone, true);
  assert.equal(r.protoRestored, true);
  assert.equal(r.plainRestored, true);
  assert.equal(r.preKeptFiring, true);
  // A Timeout sealed while tracked keeps its own properties (the agent only swapped its callback): it gets
  // the callback back.
  assert.equal(r.sealedRestored, true);
});

test('churn past what the agent remembers: stop() (as the host calls it, no heap list) still restores held timers', async () => {
  const r = await robust('forgotten');
  assert.equal(r.uncaught, 0, String(r.uncaughtMessage));
  assert.equal(r.agentGone, true);
  assert.equal(r.heldShapedLikeNever, true, 'a held cleared timer lacks its own properties after stop');
  assert.deepEqual(r.heldDestroyed, [true, true, true, true, true]);
  // A heap scan (Runtime.queryObjects) left an HTTP server ~30 % slower long after the detach.
  assert.equal(r.heapScans, 0, 'stop() scanned the heap for cleared timers, which carry nothing of the agent');
  assert.equal(r.refreshedFiredAgain, true, 'a fired timeout refreshed after stop did not fire again');
});

test('timeouts ended by their fire get their own callbacks back as they end; one refreshed fires again, counted; stop() scans nothing', async () => {
  const r = await robust('forgotten-fired');
  assert.equal(r.uncaught, 0, String(r.uncaughtMessage));
  assert.deepEqual(r.ownCallbacksWhileAttached, [true, true, true, true, true]);
  assert.deepEqual(r.countedFired, [5001], 'the refreshed timeout fired through its trampoline again');
  assert.equal(r.heapScans, 0);
  assert.deepEqual(r.heldOwnCallbacks, [true, true, true, true, true]);
});
