/** Cases 11 and 13 (../shared/cases) in live mode: lazily armed timers/promises iterators; worker threads. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadExpected } from '../../helpers/snapshots';
import { casesDir } from '../../helpers/targets';
import { nodeBinary } from '../../helpers/testEnv';
import { describeReport, findingsAt, launchLive, reportWhere, sameFile, siteAt, sitesAtLine } from '../live/liveHelpers';

for (const [label, node] of [['default Node', undefined], ['Node 18', nodeBinary(18)]] as const) {
test(`case 11 live (${label}): abandoned iterators A (ref'd) and B (unref'd) at their first next(); nothing for C or D`, { skip: label !== 'default Node' && !node && `${label} is not installed` }, async t => {
  const name = '11-timers-promises-iterator-not-closed';
  const exp = loadExpected(name);
  const [a, b] = exp.liveTimers;
  const dir = path.join(casesDir(), name);
  const run = await launchLive(t, 'target.js', { cwd: dir, node });
  if (node) assert.match(run.live.process.nodeVersion, /^v18\./);
  await run.waitForOutput(/\[C\] counted to five/);
  // From observeFromMs on: A and B stay armed (A keeps ticking), C's interval is gone.
  const r = await reportWhere(run.live, 'A ticking after C closed', r =>
    r.sites.some(s => s.line === a.timerArmedAt.line && s.fired >= 4) && r.durationMs! >= exp.observeFromMs,
  );
  const sa = siteAt(r, 'target.js', a.timerArmedAt.line);
  assert.deepEqual([sa.kind, sa.delayMs, sa.column, sa.live], ['interval', a.periodMs, a.timerArmedAt.column, a.count]);
  const sb = siteAt(r, 'target.js', b.timerArmedAt.line);
  assert.deepEqual([sb.kind, sb.delayMs, sb.column, sb.live], ['interval', b.periodMs, b.timerArmedAt.column, b.count]);
  // C (line 26) was created and cleared by return(); D (line 33) never armed a timer.
  for (const s of sitesAtLine(r, 'target.js', 26)) assert.equal(s.live, 0, describeReport(r));
  assert.equal(sitesAtLine(r, 'target.js', 33).length, 0, describeReport(r));
  const live = r.sites.filter(s => !s.internal && s.kind === 'interval' && s.live > 0);
  assert.equal(live.reduce((n, s) => n + s.live, 0), exp.totals.liveIntervals, describeReport(r));
  // A keeps the process alive; B (unref'd) does not.
  assert.equal(findingsAt(r, 'target.js', a.timerArmedAt.line, 'keepalive').length, 1, describeReport(r));
  assert.match(findingsAt(r, 'target.js', a.timerArmedAt.line, 'keepalive')[0].message, /^1 ref'd \w+ timer\(s\), alive 2 s or more, keep the process alive$/);
  assert.equal(findingsAt(r, 'target.js', b.timerArmedAt.line, 'keepalive').length, 0, describeReport(r));
  const watchdog = exp.harnessTimers[0];
  assert.equal(siteAt(r, 'target.js', watchdog.line).delayMs, watchdog.delayMs);
  assert.equal(findingsAt(r, 'target.js', watchdog.line).length, 0, 'the unref\'d watchdog is not blamed');
});
}

test('case 13 live: each worker thread\'s interval labelled with its threadId; the unref\'d worker is not a keep-alive cause', async t => {
  const name = '13-worker-thread-timers';
  const exp = loadExpected(name);
  const dir = path.join(casesDir(), name);
  const run = await launchLive(t, 'target.js', { cwd: dir });
  await run.waitForOutput(/all tasks settled/);
  const workers = exp.threads.filter((th: any) => th.thread === 'worker');
  const r = await reportWhere(run.live, 'every worker interval seen, from observeFromMs', r =>
    r.durationMs! >= exp.observeFromMs &&
    workers.every((w: any) => r.sites.some(s => (s.threadId ?? 0) === w.threadId && s.line === w.liveTimers[0].line && s.fired >= 1)),
  );
  for (const w of workers) {
    const want = w.liveTimers[0];
    const s = siteAt(r, want.file, want.line, w.threadId);
    assert.deepEqual([s.kind, s.delayMs, s.column, s.callbackName, s.live], ['interval', want.periodMs, want.column, want.callbackName, want.count]);
    assert.ok(r.threads!.some(th => th.threadId === w.threadId && th.url.includes(w.script)), JSON.stringify(r.threads));
    const keep = r.findings.filter(f => f.rule === 'keepalive' && f.threadId === w.threadId && sameFile(f.site.file, want.file));
    assert.equal(keep.length, w.threadId === 4 ? 0 : 1, `${w.script}: keep-alive ${w.threadId === 4 ? 'not ' : ''}expected\n${describeReport(r)}`);
  }
  // Main thread: no live user timers besides the unref'd watchdog; the per-task timeouts came and went.
  const main = r.sites.filter(s => !s.internal && (s.threadId ?? 0) === 0 && s.live > 0);
  assert.deepEqual(main.map(s => s.line), [exp.threads[0].harnessTimers[0].line], describeReport(r));
  const tasks = siteAt(r, 'target.js', exp.threads[0].transientTimers[0].line, 0);
  assert.deepEqual([tasks.created, tasks.live], [exp.threads[0].transientTimers[0].count, 0]);
  assert.equal(r.findings.filter(f => (f.threadId ?? 0) === 0).length, 0, describeReport(r));
});
