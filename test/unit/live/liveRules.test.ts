/** The overlap and churn rules on a real program; the watch table on a real terminal (script(1) gives a TTY). */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { startTarget, repoRoot } from '../../helpers/targets';
import { describeReport, findingsAt, fixture, reportWhere, siteAt, tagAt } from './liveHelpers';

const file = fixture('live-rules.js');

test('overlap: an async interval callback still pending at the next fire; churn: 600 timeouts per second from one line', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const live = await startLiveSession(conn);
  t.after(() => live.stop());
  const overlap = tagAt(file, 'overlap');
  const churn = tagAt(file, 'churn');
  const r = await reportWhere(live, 'overlap and churn findings', r =>
    findingsAt(r, file, overlap.line, 'overlap').length > 0 && findingsAt(r, file, churn.line, 'churn').length > 0,
  );
  const o = siteAt(r, file, overlap.line);
  assert.ok(o.overlaps >= 2 && o.overlaps <= o.fired, `overlaps ${o.overlaps} of ${o.fired} fires`);
  const c = siteAt(r, file, churn.line);
  assert.ok(c.created > 100 && c.fired >= c.created * 0.8 && c.cleared === 0, JSON.stringify(c));
  assert.match(findingsAt(r, file, churn.line, 'churn')[0].message, /^\d+ timers created per second at peak/);
  assert.equal(findingsAt(r, file, churn.line, 'leak.growth').length, 0, `short timeouts that fire are not a leak\n${describeReport(r)}`);

  const viaModule = siteAt(r, file, tagAt(file, 'module').line);
  assert.deepEqual([viaModule.kind, viaModule.callbackName, viaModule.delayMs], ['interval', 'viaModule', 100]);
  assert.ok(viaModule.fired >= 3);
  const abort = siteAt(r, file, tagAt(file, 'abort').line);
  assert.deepEqual([abort.kind, abort.delayMs], ['timeout', 5000]);
  assert.ok(abort.created >= 5 && abort.live >= 5, `AbortSignal.timeout timers: ${JSON.stringify(abort)}`);
});

test('one fire far beyond the thresholds is a finding at once: a timeout 1.5 s late, a 1.5 s callback', async t => {
  const oneOff = fixture('live-oneoff.js');
  const target = await startTarget(t, oneOff);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const live = await startLiveSession(conn);
  t.after(() => live.stop());
  await conn.client.Runtime.evaluate({ expression: 'trigger()' });
  const late = tagAt(oneOff, 'late');
  const long = tagAt(oneOff, 'long');
  const r = await reportWhere(live, 'late and callback.long findings from single fires', r =>
    findingsAt(r, oneOff, late.line, 'late').length > 0 && findingsAt(r, oneOff, long.line, 'callback.long').length > 0,
  );
  assert.match(findingsAt(r, oneOff, late.line, 'late')[0].message, /^fired \d[\d,.]* ms late \(worst of 1 fire\(s\), SLO 50 ms\)$/);
  assert.match(findingsAt(r, oneOff, long.line, 'callback.long')[0].message, /^callback ran \d[\d,.]* ms \(longest of 1 fire\(s\)\)/);
  // The watchdog has not fired: nothing late or long about it.
  const watchdog = findingsAt(r, oneOff, tagAt(oneOff, 'watchdog').line).filter(f => f.rule === 'late' || f.rule === 'callback.long');
  assert.equal(watchdog.length, 0, describeReport(r));
});

const hasScript = spawnSync('script', ['--version']).status === 0;

test('watch on a terminal redraws a table with sparklines every second', { skip: !hasScript && 'script(1) is not installed' }, async t => {
  const target = await startTarget(t, fixture('live-basic.js'));
  await target.waitForOutput(/ready/);
  const cli = `${process.execPath} ${path.join(repoRoot, 'bin', 'timerscope.js')} watch --ws ${target.url} --duration 3500ms`;
  const child = spawn('script', ['-qfec', cli, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COLUMNS: '140' } });
  let out = '';
  child.stdout.on('data', d => (out += d));
  const code = await new Promise<number | null>(r => child.on('exit', r));
  assert.equal(code, 0, out);
  const frames = out.split('\x1b[H\x1b[2J').filter(f => f.includes('sev  site'));
  assert.ok(frames.length >= 3, `redrawn about once a second: ${frames.length} frames`);
  assert.match(frames[frames.length - 2], /\(Ctrl-C to stop\)/);
  assert.match(out, /[▁▂▃▄▅▆▇█]{2,}/, 'a live-count trend');
  assert.match(out, new RegExp(`ERR  .*live-basic\\.js:${tagAt(fixture('live-basic.js'), 'leak').line}:\\d+ +interval`));
});
