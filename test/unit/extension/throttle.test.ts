import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Throttle, type Clock } from '../../../src/ui/throttle';

/** A clock the test moves by hand: no real waiting, exact timings. */
function fakeClock() {
  let t = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let ids = 0;
  const clock: Clock = {
    now: () => t,
    setTimeout: (fn, ms) => (timers.push({ at: t + ms, fn, id: ++ids }), ids),
    clearTimeout: id => void timers.splice(timers.findIndex(x => x.id === id) >>> 0, 1),
  };
  const advance = (ms: number) => {
    t += ms;
    for (const x of timers.filter(x => x.at <= t).sort((a, b) => a.at - b.at)) {
      timers.splice(timers.indexOf(x), 1);
      x.fn();
    }
  };
  return { clock, advance, pending: () => timers.length };
}

test('Throttle: first request runs at once, a burst runs once more after the interval', () => {
  const c = fakeClock();
  const runs: number[] = [];
  const th = new Throttle(() => runs.push(c.clock.now()), 1000, c.clock);
  th.request();
  assert.deepEqual(runs, [0]);
  for (let i = 0; i < 10; i++) {
    c.advance(50);
    th.request();
  }
  assert.deepEqual(runs, [0], 'nothing during the interval');
  assert.equal(c.pending(), 1, 'one trailing run scheduled');
  c.advance(500);
  assert.deepEqual(runs, [0, 1000]);
  c.advance(5000);
  assert.deepEqual(runs, [0, 1000], 'no run without a request');
  th.request();
  assert.deepEqual(runs, [0, 1000, 6000], 'an old last run: at once');
});

test('Throttle: run() goes now and drops the scheduled run; cancel() drops it', () => {
  const c = fakeClock();
  let n = 0;
  const th = new Throttle(() => n++, 1000, c.clock);
  th.request();
  th.request();
  th.run();
  assert.equal(n, 2);
  assert.equal(c.pending(), 0);
  th.request();
  th.cancel();
  c.advance(2000);
  assert.equal(n, 2);
});
