/**
 * Interval-heavy programs: past the agent's budget of trampolined interval fires, most intervals run on
 * their own callback ("bare") and are counted from Node's re-arm (`_idleStart`); a slow interval keeps
 * being measured; clears of bare intervals are seen; detach leaves every interval on its own callback.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { startTarget, until } from '../../helpers/targets';
import { describeReport, evaluateIn, findingsAt, fixture, reportWhere, siteAt, tagAt, watchFixture } from './liveHelpers';

const file = fixture('live-bare-intervals.js');

test('600 fast intervals: most run bare, their fires are counted within 10%; the slow one keeps its numbers', async t => {
  const { conn, live } = await watchFixture(t, file);
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
  // 600 intervals started at once and all alive are not churn (churn is timers made and thrown away).
  assert.deepEqual(findingsAt(running, file, fast.line, 'churn'), [], describeReport(running));
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
  t.after(() => live.stop().catch(() => undefined));
  await evaluateIn(conn, 'startFast(300)');
  await until('fast intervals running bare', async () => (await evaluateIn<number>(conn, 'bareCount()')) > 150 || undefined, 20000);
  await live.stop();
  assert.equal(await evaluateIn<number>(conn, 'bareCount()'), 300, 'every interval runs its own callback after detach');
  assert.equal(await evaluateIn<string>(conn, 'JSON.stringify(Object.getOwnPropertyNames(Object.getPrototypeOf(setTimeout(() => {}, 0))).sort())'), before);
  const f0 = await evaluateIn<number>(conn, 'fast.fires');
  await until('the intervals still firing after detach', async () => (await evaluateIn<number>(conn, 'fast.fires')) > f0 + 1000 || undefined, 10000);
  await evaluateIn(conn, 'stopFast(300)');
});

test('over the budget: self-refreshing, self-clearing and constantly replaced intervals are counted, live never below 0', async t => {
  const mixed = fixture('live-bare-mixed.js');
  const { conn, live } = await watchFixture(t, mixed);
  const line = (tag: string) => tagAt(mixed, tag).line;
  await reportWhere(live, 'the load intervals firing', r => r.sites.some(s => s.line === line('load') && s.fired > 50000), 30000);
  await evaluateIn(conn, 'start()');
  let lowest = Infinity;
  await reportWhere(live, 'the self-clearing intervals all cleared and the pool replaced 2,000 times', r => {
    const p = r.sites.find(s => s.line === line('pool'));
    if (p) lowest = Math.min(lowest, p.live);
    const c = r.sites.find(s => s.line === line('selfClearing'));
    return !!p && p.created >= 2300 && !!c && c.live === 0 && c.cleared === 200;
  }, 45000);
  await evaluateIn(conn, 'stopPool()');
  const truth = await evaluateIn<Record<string, number>>(conn, 'truth');
  const done = await reportWhere(live, 'the pool seen cleared', r => r.sites.some(s => s.line === line('pool') && s.live === 0), 20000);
  // The refreshing intervals still run: their count in the report lies between the truth before and after it.
  const truthAfter = await evaluateIn<Record<string, number>>(conn, 'truth');
  assert.ok(lowest >= 0, `the pool site's live count went to ${lowest}`);
  const pool = siteAt(done, mixed, line('pool'));
  assert.deepEqual([pool.created, pool.cleared], [truth.poolCreated, truth.poolCleared], describeReport(done));
  // Fires that happen after this report are not in it: compare with the truth read just before.
  for (const [tag, key] of [['refreshing', 'refreshing'], ['selfClearing', 'selfClearing'], ['pool', 'pool']] as const) {
    const s = siteAt(done, mixed, line(tag));
    t.diagnostic(`${tag}: ${s.fired} fires counted, ${truth[key]}-${truthAfter[key]} run`);
    assert.ok(s.fired >= truth[key] * 0.9 && s.fired <= truthAfter[key] * 1.1, `${tag}: ${s.fired} counted, ${truth[key]}-${truthAfter[key]} run\n${describeReport(done)}`);
  }
});
