/**
 * Sampled tracking on a real target: under a storm of creations the agent tracks 1 in N and counts the
 * rest through the sampled ones' weights; long-lived timers made during the storm (sampled out or not)
 * are found by the agent's walk of Node's timer lists and counted exactly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeReport, evaluateIn, findingsAt, fixture, reportWhere, siteAt, tagAt, watchFixture } from './liveHelpers';

const file = fixture('live-storm.js');

const evaluate = evaluateIn;

test('a debounce storm is sampled and estimated; the rare site creating during it is counted exactly', async t => {
  const { conn, live } = await watchFixture(t, file);
  const storm = tagAt(file, 'storm');
  const rare = tagAt(file, 'rare');
  await evaluate(conn, 'startStorm()');
  const during = await reportWhere(live, 'all 20 rare intervals alive and the storm counted', r => {
    const s = r.sites.find(x => x.line === storm.line);
    const q = r.sites.find(x => x.line === rare.line);
    return !!s && s.created > 200000 && !!q && q.live === 20;
  }, 45000);
  await evaluate(conn, 'stopStorm()');
  const truth = await evaluate<{ created: number; rare: number }>(conn, 'storm');
  assert.equal(truth.rare, 20);
  const s = siteAt(during, file, storm.line);
  // Estimated from the sampled timers: within a factor of two of what the program made so far.
  assert.ok(s.created <= truth.created * 2, `storm site: ${s.created} counted, the program made ${truth.created}`);
  assert.ok(s.cleared >= s.created * 0.5, `storm timers are cleared at once: ${JSON.stringify(s)}`);
  assert.equal(s.live, 0, 'no storm timer stays alive');
  assert.ok((during.unsampled ?? 0) > 0, 'the report says creations were sampled');
  assert.equal(findingsAt(during, file, storm.line, 'churn').length, 1, describeReport(during));
  const q = siteAt(during, file, rare.line);
  assert.deepEqual([q.kind, q.delayMs, q.live, q.created, q.cleared, q.fired], ['interval', 60000, 20, 20, 0, 0]);
});
