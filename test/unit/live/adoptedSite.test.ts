/**
 * One call site is one site, whether its timers were adopted at attach (site resolved from the callback's
 * [[FunctionLocation]] and the call that passes it) or created afterwards (site from a sampled stack).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { startTarget } from '../../helpers/targets';
import { describeReport, fixture, reportWhere, sitesAtLine, tagAt } from './liveHelpers';

const file = fixture('live-adopted-site.js');

test('timers of one line created before and after attach share one site', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const live = await startLiveSession(conn);
  t.after(() => live.stop());
  const beat = tagAt(file, 'beat');
  await reportWhere(live, 'the three adopted timers', r => sitesAtLine(r, file, beat.line).reduce((n, s) => n + s.live, 0) === 3);
  const more = await conn.client.Runtime.evaluate({ expression: 'moreSessions()', returnByValue: true });
  assert.equal(more.result.value, 'ok');
  const r = await reportWhere(live, 'all six timers', r => sitesAtLine(r, file, beat.line).reduce((n, s) => n + s.live, 0) === 6);
  const sites = sitesAtLine(r, file, beat.line);
  assert.equal(sites.length, 1, describeReport(r));
  assert.deepEqual([sites[0].kind, sites[0].column, sites[0].callbackName, sites[0].live], ['interval', beat.column, 'heartbeat', 6]);
});
