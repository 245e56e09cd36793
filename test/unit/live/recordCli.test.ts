/** `timerscope record` on a real program, then `export --format perfetto` of the recording: a known timer's track. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseRecording } from '../../../src/model/timelineRecording';
import { runCli } from '../../helpers/cli';
import { startTarget } from '../../helpers/targets';
import { fixture, tagAt } from './liveHelpers';

const file = fixture('live-basic.js');

type TraceEvent = { name: string; ph: string; pid: number; tid: number; ts?: number; dur?: number; args?: Record<string, any> };

test('record --launch writes a recording that export --format perfetto turns into one track per timer', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'timerscope-record-'));
  const out = path.join(dir, 'run.timerscope.json');
  const rec = await runCli(['record', '--launch', '--duration', '3s', '--out', out, '--', 'node', file]);
  assert.equal(rec.code, 0, rec.stderr);
  assert.match(rec.stderr, /recorded \d+\.\d s \(duration\): \d+ call sites, \d+ timers, \d+ fires/);
  const recording = parseRecording(readFileSync(out, 'utf8'));
  const busy = tagAt(file, 'busy');
  const site = recording.sites.find(s => s.location?.line === busy.line && s.location.file.endsWith('live-basic.js'));
  assert.ok(site, JSON.stringify(recording.sites.map(s => s.location)));
  assert.deepEqual([site.kind, site.delayMs, site.callbackName, site.location!.column], ['interval', 100, 'busyWork', busy.column]);
  assert.ok(recording.counters.length >= 2 && recording.threads[0].name === 'main');

  const trace = path.join(dir, 'trace.json');
  const exp = await runCli(['export', '--format', 'perfetto', out, '-o', trace]);
  assert.equal(exp.code, 0, exp.stderr);
  const events = (JSON.parse(readFileSync(trace, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  // The call site is a process named after its line; the busy timer is a track in it with ~20 ms slices.
  const proc = events.find(e => e.ph === 'M' && e.name === 'process_name' && String(e.args?.name).includes(`live-basic.js:${busy.line}:${busy.column}`));
  assert.ok(proc, 'a process for the busy site');
  const slices = events.filter(e => e.ph === 'X' && e.pid === proc.pid && e.name === 'busyWork');
  assert.ok(slices.length >= 10, `slices: ${slices.length}`);
  const track = events.find(e => e.ph === 'M' && e.name === 'thread_name' && e.pid === proc.pid && e.tid === slices[0].tid);
  assert.match(String(track?.args?.name), /setInterval 100ms/);
  for (const s of slices) {
    assert.ok(s.dur! >= 18000 && s.dur! < 500000, `a ~20 ms slice: ${s.dur} µs`);
    assert.ok(s.args!.latenessMs >= 0 && typeof s.args!.scheduledMs === 'number');
  }
  // Slices of one interval follow its period.
  const starts = slices.map(s => s.ts!).sort((a, b) => a - b);
  const gaps = starts.slice(1).map((t, i) => (t - starts[i]) / 1000);
  const median = gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
  assert.ok(median >= 95 && median < 200, `median gap ${median} ms`);
});

test('record --ws on a running process leaves it running and writes the recording', async t => {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const dir = mkdtempSync(path.join(tmpdir(), 'timerscope-record-'));
  const out = path.join(dir, 'r.json');
  const rec = await runCli(['record', '--ws', target.url, '--duration', '1500ms', '-o', out]);
  assert.equal(rec.code, 0, rec.stderr);
  const recording = parseRecording(readFileSync(out, 'utf8'));
  assert.equal(recording.process.pid, target.child.pid);
  assert.ok(recording.fires.length > 10);
  assert.equal(target.child.exitCode, null);
});
