/**
 * Interval-heavy programs: past the agent's budget of trampolined interval fires, most intervals run on
 * their own callback ("bare") and are counted from Node's re-arm (`_idleStart`); a slow interval keeps
 * being measured; clears of bare intervals are seen; detach leaves every interval on its own callback.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { startTarget, until } from '../../helpers/targets';
import { describeReport, evaluateIn, fixture, reportWhere, siteAt, tagAt } from './liveHelpers';

const file = fixture('live-bare-intervals.js');

test('600 fast intervals: most run bare, their fires are counted within 10%; the slow one keeps its numbers', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const live = await startLiveSession(conn);
  t.after(() => live.stop().catch(() => undefined));
  const fast = tagAt(file, 'fast');
  const slow = tagAt(file, 'slow');
  await evaluateIn(conn, 'startFast(600)');
  // Bare intervals appear at the first flush over the budget (about 60,000 fires per flush here).
  await until('most fast intervals running bare', async () => (await evaluateIn<number>(conn, 'bareCount()')) > 300 || undefined, 20000);
  const running = await reportWhere(live, 'the slow interval fired 6 times and the fast ones a lot', r => {
    const s = r.sites.find(x => x.line === slow.line);
    const f = r.sites.find(x => x.line === fast.line);
    return !!s && s.fired >= 6 && !!f && f.fired > 20000;
  }, 45000);
  const s = siteAt(running, file, slow.line);
  // Measured through its trampoline: callback time and lateness, not only counts.
  assert.ok(s.callbackMs.p50 >= 25 && s.callbackMs.p50 < 200, describeReport(running));
  assert.ok(s.latenessMs.max >= 0, describeReport(running));
  // Clearing all of them: seen (live 0) and the count settled up to each one's last fire.
  await evaluateIn(conn, 'stopFast(600)');
  const truth = await evaluateIn<number>(conn, 'fast.fires');
  const done = await reportWhere(live, 'every fast interval seen cleared', r => r.sites.some(x => x.line === fast.line && x.live === 0 && x.cleared === 600), 20000);
  const f = siteAt(done, file, fast.line);
  assert.equal(f.created, 600);
  t.diagnostic(`fast site: ${f.fired} fires counted, ${truth} run`);
  assert.ok(Math.abs(f.fired - truth) <= truth * 0.1, `fast site counted ${f.fired} fires, the program ran ${truth}`);
});

test('detach with bare intervals running: every one is on its own callback and the prototype is as before', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const before = await evaluateIn<string>(conn, 'JSON.stringify(Object.getOwnPropertyNames(Object.getPrototypeOf(setTimeout(() => {}, 0))).sort())');
  const live = await startLiveSession(conn);
  await evaluateIn(conn, 'startFast(300)');
  await until('fast intervals running bare', async () => (await evaluateIn<number>(conn, 'bareCount()')) > 150 || undefined, 20000);
  await live.stop();
  assert.equal(await evaluateIn<number>(conn, 'bareCount()'), 300, 'every interval runs its own callback after detach');
  assert.equal(await evaluateIn<string>(conn, 'JSON.stringify(Object.getOwnPropertyNames(Object.getPrototypeOf(setTimeout(() => {}, 0))).sort())'), before);
  const f0 = await evaluateIn<number>(conn, 'fast.fires');
  await until('the intervals still firing after detach', async () => (await evaluateIn<number>(conn, 'fast.fires')) > f0 + 1000 || undefined, 10000);
  await evaluateIn(conn, 'stopFast(300)');
});
