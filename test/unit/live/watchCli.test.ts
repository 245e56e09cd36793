/** `timerscope watch` as a user runs it, against real processes: JSON report, --fail-on, plain output, bad input. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseRecording } from '../../../src/model/timelineRecording';
import type { WatchReport } from '../../../src/shared/findings';
import { runCli } from '../../helpers/cli';
import { repoRoot, startTarget } from '../../helpers/targets';
import { findingsAt, fixture, sameFile, siteAt, sitesAtLine, tagAt } from './liveHelpers';

const file = fixture('live-basic.js');

function oneLineError(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(l => l.startsWith('timerscope:'));
  assert.equal(lines.length, 1, `expected one error line, got:\n${stderr}`);
  return lines[0];
}

test('watch --duration --json prints a timerscope.watch/v1 report; --fail-on leak exits 1, --fail-on churn exits 0', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const res = await runCli(['watch', '--ws', target.url, '--duration', '4s', '--json', '--fail-on', 'leak']);
  assert.equal(res.code, 1, res.stderr);
  assert.match(oneLineError(res.stderr), /match --fail-on: leak\.growth/);
  const r = JSON.parse(res.stdout) as WatchReport;
  assert.equal(r.schema, 'timerscope.watch/v1');
  assert.equal(r.process?.pid, target.child.pid);
  const busy = siteAt(r, file, tagAt(file, 'busy').line);
  assert.ok(busy.fired >= 10 && busy.callbackMs.p50 >= 18, JSON.stringify(busy));
  for (const k of ['p50', 'p95', 'p99', 'max'] as const) assert.equal(typeof busy.latenessMs[k], 'number');
  assert.equal(findingsAt(r, file, tagAt(file, 'leak').line, 'leak.growth').length, 1);
  assert.equal(typeof r.eventLoopDelayMs.p99, 'number');
  assert.equal(typeof r.gcPauseMs.count, 'number');
  assert.equal(r.dropped, 0);
  assert.ok(r.durationMs! >= 3900, `ran ${r.durationMs} ms`);

  const churn = await runCli(['watch', '--ws', target.url, '--duration', '1500ms', '--json', '--fail-on', 'churn,overlap']);
  assert.equal(churn.code, 0, churn.stderr);
  const left = await runCli(['snapshot', '--ws', target.url, '--json']);
  assert.equal(left.code, 0, left.stderr);
  assert.equal(target.child.exitCode, null, 'the target keeps running after two watches');
});

test('watch without a TTY prints findings as lines, then the table; --launch runs and stops the program', async () => {
  const res = await runCli(['watch', '--duration', '4s', '--launch', '--', 'node', file]);
  assert.equal(res.code, 0, res.stderr);
  const leak = tagAt(file, 'leak');
  assert.match(res.stdout, new RegExp(`^\\[\\+\\d+\\.\\ds\\] error leak\\.growth .*live-basic\\.js:${leak.line}:${leak.column}: `, 'm'));
  assert.match(res.stdout, /^sev +site +kind +live +trend/m);
  assert.match(res.stdout, new RegExp(`live-basic\\.js:${tagAt(file, 'busy').line}:1 +interval`));
  assert.match(res.stdout, /watched \d+\.\d s \(duration\); the agent was removed/);
});

test('watch --launch on the TypeScript example: the leaking heartbeat at its .ts line through the source map', async () => {
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'examples', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const res = await runCli(['watch', '--launch', '--duration', '3s', '--json', '--', 'node', 'examples/dist/server.js']);
  assert.equal(res.code, 0, res.stderr);
  const r = JSON.parse(res.stdout) as WatchReport;
  const s = siteAt(r, 'examples/src/sessions.ts', 22);
  assert.deepEqual([s.kind, s.delayMs, s.column, s.callbackName, s.live, s.cleared], ['interval', 1000, 3, 'sendHeartbeat', 12, 0]);
  assert.ok(s.fired >= 12, `fired ${s.fired}`);
});

test('a program that exits inside a timer callback: the last report shows that timeout fired and ended', async () => {
  const exiting = fixture('live-exit-in-callback.js');
  const res = await runCli(['watch', '--launch', '--json', '--', 'node', exiting]);
  assert.equal(res.code, 0, res.stderr);
  const r = JSON.parse(res.stdout) as WatchReport;
  const last = siteAt(r, exiting, tagAt(exiting, 'last').line);
  assert.deepEqual([last.kind, last.callbackName, last.created, last.fired, last.live, last.cleared], ['timeout', 'lastOne', 1, 1, 0, 0]);
  assert.ok(siteAt(r, exiting, tagAt(exiting, 'ticker').line).fired >= 5);
});

test('watch --launch --after skips the start-up: its timeout is not seen, the steady interval is adopted and measured', async () => {
  const after = fixture('live-after.js');
  const startup = tagAt(after, 'startup');
  const steady = tagAt(after, 'steady');
  // Control: from the first line, the start-up timeout is seen firing.
  const full = await runCli(['watch', '--launch', '--duration', '1s', '--json', '--', 'node', after]);
  assert.equal(full.code, 0, full.stderr);
  assert.equal(siteAt(JSON.parse(full.stdout) as WatchReport, after, startup.line).fired, 1);
  const res = await runCli(['watch', '--launch', '--after', '700', '--duration', '1500ms', '--json', '--', 'node', after]);
  assert.equal(res.code, 0, res.stderr);
  const r = JSON.parse(res.stdout) as WatchReport;
  assert.deepEqual(sitesAtLine(r, after, startup.line), [], 'the start-up timeout fired before measuring started');
  const s = siteAt(r, after, steady.line);
  assert.deepEqual([s.kind, s.live, s.callbackName], ['interval', 1, 'steady']);
  assert.ok(s.fired >= 5, `fired ${s.fired} times in 1.5 s of measuring`);
  // record takes --after the same way (the shared live runner).
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'timerscope-after-')), 'run.json');
  const rec = await runCli(['record', '--launch', '--after', '500ms', '--duration', '1s', '--out', out, '--', 'node', after]);
  assert.equal(rec.code, 0, rec.stderr);
  const recording = parseRecording(readFileSync(out, 'utf8'));
  assert.ok(!recording.sites.some(x => x.location?.line === startup.line && sameFile(x.location.file, after)), JSON.stringify(recording.sites));
  assert.ok(recording.sites.some(x => x.location?.line === steady.line && sameFile(x.location.file, after)), JSON.stringify(recording.sites));
});

test('watch/record --after: rejected without --launch; a program that exits first is one clear error', async () => {
  for (const cmd of ['watch', 'record']) {
    const res = await runCli([cmd, '--port', '1', '--after', '100']);
    assert.equal(res.code, 2, res.stderr);
    assert.match(oneLineError(res.stderr), /--after only works with --launch/);
  }
  const gone = await runCli(['watch', '--launch', '--after', '5s', '--duration', '1s', '--', 'node', fixture('exitsSoon.js')]);
  assert.equal(gone.code, 1, gone.stderr);
  const lines = gone.stderr.split('\n').filter(l => l.startsWith('timerscope:'));
  assert.equal(lines[0], 'timerscope: the program exited with code 0', gone.stderr);
  assert.match(lines[1] ?? '', /the program exited before --after 5000 ms had passed/);
  assert.equal(lines.length, 2, gone.stderr);
});

test('watch --launch: a crashing program\'s output and error are passed through and its exit code reported', async () => {
  const json = await runCli(['watch', '--json', '--launch', '--', 'node', fixture('crashesSoon.js')]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { schema: string }).schema, 'timerscope.watch/v1', 'stdout is only the JSON report');
  assert.match(json.stderr, /^crashesSoon started$/m);
  assert.match(json.stderr, /^Error: crashesSoon: boom from the program$/m);
  assert.deepEqual(json.stderr.split('\n').filter(l => l.startsWith('timerscope:')), ['timerscope: the program exited with code 1']);
  const text = await runCli(['watch', '--launch', '--', 'node', fixture('crashesSoon.js')]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^watched \d+\.\d s \(.+\); the agent was removed$/m);
  assert.match(text.stderr, /^Error: crashesSoon: boom from the program$/m);
  assert.deepEqual(text.stderr.split('\n').filter(l => l.startsWith('timerscope:')), ['timerscope: the program exited with code 1']);
});

test('watch: bad input gives one clear line and exit code 2', async () => {
  for (const [args, re] of [
    [['watch', '--port', '1', '--fail-on', 'nonsense'], /--fail-on: unknown rule 'nonsense'/],
    [['watch', '--port', '1', '--duration', 'soon'], /--duration needs a duration like 500ms, 10s or 2m, got 'soon'/],
    [['watch', '--port', '1', '--threshold', 'bogus=1'], /--threshold needs NAME=NUMBER/],
    [['record', '--port', '1', '--duration', '0'], /--duration must be longer than 0/],
  ] as const) {
    const res = await runCli([...args]);
    assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(oneLineError(res.stderr), re);
  }
  const closed = await runCli(['watch', '--port', '1', '--duration', '1s']);
  assert.equal(closed.code, 1);
  assert.match(oneLineError(closed.stderr), /127\.0\.0\.1:1/);
});
