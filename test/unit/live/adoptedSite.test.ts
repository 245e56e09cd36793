/**
 * One call site is one site, whether its timers were adopted at attach (site inferred from the callback's
 * [[FunctionLocation]] and the call that passes it) or created afterwards (site from a sampled stack):
 * the race behind "sessions.ts:22:3 shows up twice" when recording starts during the example's start-up,
 * made deterministic (timers of the same lines before and after attach).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import type { WatchReport } from '../../../src/shared/findings';
import { startTarget } from '../../helpers/targets';
import { describeReport, fixture, reportWhere, sitesAtLine, tagAt } from './liveHelpers';

const file = fixture('live-adopted-site.js');

test('timers of one line created before and after attach share one site (plain calls, one callback for two kinds, compiled `(0, m.setTimeout)(…)`)', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const live = await startLiveSession(conn);
  t.after(() => live.stop());
  const beat = tagAt(file, 'beat');
  const once = tagAt(file, 'once');
  const compiled = tagAt(file, 'compiled');
  const compiledLine = readFileSync(file, 'utf8').split('\n')[compiled.line - 1];
  // V8 puts a call through a parenthesized callee at the `(` of its arguments.
  const compiledColumn = compiledLine.indexOf(')(') + 2;
  const liveAt = (r: WatchReport, line: number) => sitesAtLine(r, file, line).reduce((n, s) => n + s.live, 0);
  await reportWhere(live, 'the adopted timers', r => liveAt(r, beat.line) === 3 && liveAt(r, once.line) === 3 && liveAt(r, compiled.line) === 3);
  const more = await conn.client.Runtime.evaluate({ expression: 'moreSessions()', returnByValue: true });
  assert.equal(more.result.value, 'ok');
  const r = await reportWhere(live, 'all timers', r => liveAt(r, beat.line) === 6 && liveAt(r, once.line) === 6 && liveAt(r, compiled.line) === 6);
  for (const [line, kind, column, name] of [[beat.line, 'interval', beat.column, 'heartbeat'], [once.line, 'timeout', once.column, 'heartbeat'], [compiled.line, 'timeout', compiledColumn, 'expire']] as const) {
    const sites = sitesAtLine(r, file, line);
    assert.equal(sites.length, 1, `one site at line ${line}:\n${describeReport(r)}`);
    assert.deepEqual([sites[0].kind, sites[0].column, sites[0].callbackName, sites[0].live], [kind, column, name, 6]);
  }
});
