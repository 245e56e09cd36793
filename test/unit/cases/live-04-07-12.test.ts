/** Cases 04, 07 and 12 (../shared/cases) in live mode, from the program's first line, against expected.json. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { WatchReport } from '../../../src/shared/findings';
import type { Recording } from '../../../src/shared/recording';
import { loadExpected } from '../../helpers/snapshots';
import { casesDir } from '../../helpers/targets';
import { describeReport, findingsAt, launchLive, reportWhere, siteAt } from '../live/liveHelpers';

/** Start times (ms) of every fire of the timers of the recorded site at `line`, per timer. */
function fireStarts(rec: Recording, line: number): number[][] {
  const site = rec.sites.find(s => s.location?.line === line && s.location.file.endsWith('target.js'))!;
  const timers = rec.timers.filter(t => t.siteId === site.id).map(t => t.id);
  return timers.map(id => rec.fires.filter(f => f.timerId === id).map(f => f.startMs).sort((a, b) => a - b));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('case 04 live: one interval per POST at target.js:24 (10 → 20 → 30), flagged as growing and outliving its request', async t => {
  const name = '04-interval-per-request';
  const exp = loadExpected(name);
  const leak = exp.liveTimers[0];
  const run = await launchLive(t, 'target.js', { cwd: path.join(casesDir(), name) });
  let r!: WatchReport;
  for (const [i, window] of exp.liveTimersOverTime.entries()) {
    await run.waitForOutput(new RegExp(`wave done at \\d+ ms: ${(i + 1) * 10} beacons`));
    r = await reportWhere(run.live, `wave ${i + 1}: ${window.count} live`, r => r.sites.some(s => s.line === leak.line && s.live === window.count));
    const s = siteAt(r, leak.file, leak.line);
    assert.deepEqual([s.kind, s.delayMs, s.column, s.callbackName, s.created, s.cleared], ['interval', leak.periodMs, leak.column, leak.callbackName, window.count, 0]);
  }
  r = await reportWhere(run.live, 'leak findings', r => findingsAt(r, leak.file, leak.line, 'leak.outlived-request').length > 0 && findingsAt(r, leak.file, leak.line, 'leak.growth').length > 0);
  assert.equal(r.findings[0].severity, 'error');
  assert.ok(findingsAt(r, leak.file, leak.line, 'keepalive').length === 1, describeReport(r));
  // Growth is tied to the registrations only: no other user interval is alive.
  const userIntervals = r.sites.filter(s => !s.internal && s.kind === 'interval' && s.live > 0);
  assert.deepEqual(userIntervals.map(s => s.line), [leak.line], describeReport(r));
  // Node's own unref'd connections-checking interval is internal and not blamed; nor are the harness timers.
  assert.ok(r.sites.some(s => s.internal && s.kind === 'interval' && s.delayMs === 30000), describeReport(r));
  for (const h of [...exp.transientTimers, ...exp.harnessTimers]) assert.equal(findingsAt(r, h.file, h.line).length, 0, `${h.line}: ${describeReport(r)}`);
  // Steady state (once the last wave's intervals have fired): 30 intervals of 2 s fire 15 times per second.
  const from = run.live.model.nowMs + 2500;
  await reportWhere(run.live, 'two more seconds of steady state', () => run.live.model.nowMs >= from + 2000);
  const steady = fireStarts(run.live.recording(), leak.line).flat().filter(x => x > from && x <= from + 2000).length;
  assert.ok(steady >= 27 && steady <= 33, `~30 fires in 2 s of steady state, got ${steady}`);
});

test('case 07 live: ~100 ms and ~60 ms callbacks on 50 ms intervals, ~110 ms late per tick; callback.long and late, no leak', async t => {
  const name = '07-callbacks-longer-than-period';
  const exp = loadExpected(name);
  const run = await launchLive(t, 'target.js', { cwd: path.join(casesDir(), name) });
  const [recompute, compact] = exp.liveTimers;
  const r = await reportWhere(run.live, 'several seconds of load', r => (r.durationMs ?? 0) >= exp.observeFromMs + 5000, 40000);
  const m = exp.metrics;
  for (const [want, dur, late, period] of [
    [recompute, m.callbackDurationMs['target.js:21 recomputeScores'], m.latenessPerTickMs['target.js:21'], m.observedPeriodMs['target.js:21']],
    [compact, m.callbackDurationMs['target.js:28 compactBuffers'], m.latenessPerTickMs['target.js:28'], m.observedPeriodMs['target.js:28']],
  ]) {
    const s = siteAt(r, want.file, want.line);
    assert.deepEqual([s.kind, s.delayMs, s.column, s.callbackName, s.live], ['interval', want.periodMs, want.column, want.callbackName, want.count]);
    assert.ok(s.callbackMs.p50 >= dur.expectAtLeast && s.callbackMs.p50 <= dur.expectAtMost, `${want.line} callback p50 ${s.callbackMs.p50}`);
    assert.ok(s.latenessMs.p50 >= late.expectAtLeast, `${want.line} lateness p50 ${s.latenessMs.p50}`);
    assert.ok(s.driftMs > 1000, `${want.line} drifts behind its fixed-rate schedule: ${s.driftMs}`);
    const [starts] = fireStarts(run.live.recording(), want.line);
    const gaps = starts.slice(1).map((x, i) => x - starts[i]);
    const p50 = median(gaps);
    assert.ok(p50 >= period.expectBetween[0] && p50 <= period.expectBetween[1], `${want.line} observed period p50 ${p50}`);
    assert.equal(findingsAt(r, want.file, want.line, 'callback.long').length, 1, describeReport(r));
    assert.equal(findingsAt(r, want.file, want.line, 'late').length, 1, describeReport(r));
  }
  assert.equal(r.findings.filter(f => f.rule.startsWith('leak')).length, 0, describeReport(r));
  // http's Date-header cache timer, made by Node under res.end(): Node's own, seen at the user's line, not blamed.
  const dateCache = exp.nodeInternalTimers.find((x: any) => x.callbackName === 'resetCache');
  const dateLine = Number(/target\.js:(\d+)/.exec(dateCache.firstUserFrame)![1]);
  for (const s of r.sites.filter(s => s.line === dateLine && s.callbackName === 'resetCache')) assert.equal(s.internal, true, describeReport(r));
  assert.equal(findingsAt(r, 'target.js', dateLine).length, 0, describeReport(r));
  assert.ok(r.eventLoopDelayMs.max >= 90, `the loop is blocked: ${JSON.stringify(r.eventLoopDelayMs)}`);
});

test('case 12 live: 201 orphaned 60 s timeouts at target.js:21 (leak), one refreshed timeout at :37 (healthy)', async t => {
  const name = '12-lost-timer-handle-vs-refresh';
  const exp = loadExpected(name);
  const [orphans, guard] = exp.liveTimers;
  const run = await launchLive(t, 'target.js', { cwd: path.join(casesDir(), name) });
  // The program counts for itself: on a loaded machine TCP may coalesce two pings into one 'data' event
  // (fewer than the 200 messages of expected.json), and then there is one orphan less per coalesced ping.
  const closed = await run.waitForOutput(/closed; server saw \d+ messages, client refreshed \d+ times/, 40000);
  const [messages, refreshes] = closed.match(/\d+/g)!.map(Number);
  const r = await reportWhere(run.live, 'the client guard cleared', r => r.sites.some(s => s.line === guard.line && s.cleared === 1 && s.live === 0));
  const o = siteAt(r, orphans.file, orphans.line);
  const churn = exp.churn['target.js:21'];
  assert.ok(messages >= 180 && messages <= 200, `server messages ${messages}`);
  assert.deepEqual([o.kind, o.delayMs, o.column, o.live, o.created, o.cleared, o.fired], ['timeout', orphans.delayMs, orphans.column, messages + 1, messages + 1, churn.cleared, 0]);
  if (messages === 200) assert.deepEqual([o.live, o.created], [orphans.count, churn.timeoutsCreated]);
  assert.equal(findingsAt(r, orphans.file, orphans.line, 'leak.growth').length, 1, describeReport(r));
  assert.equal(findingsAt(r, orphans.file, orphans.line, 'keepalive').length, 1, describeReport(r));
  const g = siteAt(r, guard.file, guard.line);
  const gc = exp.churn['target.js:37'];
  assert.deepEqual([g.kind, g.delayMs, g.column, g.created, g.refreshed, g.cleared, g.live], ['timeout', guard.delayMs, guard.column, gc.timeoutsCreated, refreshes, gc.cleared, 0]);
  if (refreshes === 200) assert.equal(g.refreshed, gc.refreshes);
  assert.equal(findingsAt(r, guard.file, guard.line).length, 0, `the refreshed guard is healthy: ${describeReport(r)}`);
  const pinger = exp.transientTimers[0];
  const p = siteAt(r, pinger.file, pinger.line);
  assert.deepEqual([p.kind, p.delayMs, p.fired, p.live], ['interval', pinger.periodMs, 200, 0]);
  // The timeline shows the orphans piling up: ~20 per second while messages flow (98 at 5 s).
  const rec = run.live.recording();
  const site = rec.sites.find(s => s.location?.line === orphans.line)!;
  const at5s = rec.timers.filter(x => x.siteId === site.id && x.createdMs <= 5000).length;
  assert.ok(Math.abs(at5s - exp.liveTimersOverTime[0].countAt5000Ms) <= 15, `orphans at 5 s: ${at5s}`);
});
