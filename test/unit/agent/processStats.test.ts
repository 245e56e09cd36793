/**
 * The agent's HTTP request bookkeeping (src/agent/processStats.ts), driven through Node's real
 * diagnostics_channel messages in this process (`currentRequest()` is what a timer created in a handler
 * asks): which request finished when, for the scan that finds timers that outlived their request; old requests are forgotten in a fixed-size ring, not a Map trimmed
 * from its front (whose `keys().next()` walked over every deleted entry: 68 µs a response after 100,000).
 */
import assert from 'node:assert/strict';
import dc from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { ProcessStats } from '../../../src/agent/processStats';

const start = dc.channel('http.server.request.start');
const finish = dc.channel('http.server.response.finish');

test('finish times of requests that made timers, the newest 65,536 kept, unfinished and forgotten ones unknown', () => {
  let clock = 0;
  const stats = new ProcessStats(createRequire(__filename) as never, () => clock);
  stats.start(true);
  try {
    const requests: object[] = [];
    const ids: number[] = [];
    for (let i = 0; i < 70000; i++) {
      const request = {};
      start.publish({ request });
      ids.push(stats.currentRequest());
      requests.push(request);
    }
    assert.deepEqual([ids[0], ids[69999]], [1, 70000], 'sequential ids from 1');
    for (let i = 0; i < 70000; i++) {
      if (i === 5) continue; // never finishes
      clock = 1000 + i;
      finish.publish({ request: requests[i] });
    }
    assert.equal(stats.finishedAt(ids[69999]), 1000 + 69999);
    assert.equal(stats.finishedAt(ids[70000 - 65536]), 1000 + 70000 - 65536, 'the oldest one kept');
    assert.equal(stats.finishedAt(ids[70000 - 65537]), undefined, 'overwritten by a newer one');
    assert.equal(stats.finishedAt(ids[5]), undefined, 'never finished (and overwritten since)');
    const quiet = {};
    start.publish({ request: quiet }); // its handler makes no timer: currentRequest() is not asked
    clock = 5;
    finish.publish({ request: quiet });
    assert.equal(stats.finishedAt(70001), undefined, 'a request without timers is not remembered');
    const late = {};
    start.publish({ request: late });
    assert.equal(stats.finishedAt(stats.currentRequest()), undefined, 'started, not finished');
    finish.publish({ request: {} }); // a response of a request from before the agent: ignored
    assert.equal(stats.finishedAt(70003), undefined);
  } finally {
    stats.stop();
  }
  start.publish({ request: {} });
  assert.equal(stats.currentRequest(), 70002, 'stop() unsubscribed: no new id');
});
