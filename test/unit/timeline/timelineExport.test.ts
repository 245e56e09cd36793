import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { RUNTIME_PID, SITE_PID_BASE, toTraceEvents, type TraceFile } from '../../../src/model/timelinePerfetto';
import { FIXTURE_PATH, loadFixture } from './fixture';

const CLI = join(__dirname, '..', '..', '..', 'bin', 'timerscope.js');

/** Checks the trace-event JSON object format rules Perfetto's and chrome://tracing's importers rely on. */
function assertValidTrace(trace: TraceFile): void {
  assert.ok(Array.isArray(trace.traceEvents));
  for (const e of trace.traceEvents) {
    assert.equal(typeof e.name, 'string');
    assert.ok(['X', 'i', 'M', 'C'].includes(e.ph), `phase ${e.ph}`);
    assert.ok(Number.isInteger(e.pid) && Number.isInteger(e.tid), 'integer pid/tid');
    if (e.ph !== 'M') assert.ok(typeof e.ts === 'number' && Number.isFinite(e.ts) && e.ts >= 0, 'ts in µs');
    if (e.ph === 'X') assert.ok(typeof e.dur === 'number' && e.dur >= 0);
    if (e.ph === 'C') assert.ok(Object.values(e.args ?? {}).every(v => typeof v === 'number'));
  }
}

test('perfetto: one named track per timer, grouped by call site, fires carry lateness and duration', () => {
  const rec = loadFixture();
  const trace = toTraceEvents(rec);
  assertValidTrace(trace);
  const names = trace.traceEvents.filter(e => e.ph === 'M' && e.name === 'thread_name' && e.pid >= SITE_PID_BASE);
  assert.equal(names.length, rec.timers.length, 'one track per timer');
  assert.equal(new Set(names.map(e => `${e.pid}/${e.tid}`)).size, rec.timers.length, 'tracks are distinct');
  const heartbeat = trace.traceEvents.filter(e => e.ph === 'X' && e.pid === SITE_PID_BASE + 1 && e.tid === 1);
  const fires = rec.fires.filter(f => f.timerId === 1);
  assert.equal(heartbeat.length, fires.length);
  const late = heartbeat[3]!;
  assert.equal(late.ts, Math.round(fires[3]!.startMs * 1000 * 1000) / 1000);
  assert.equal(late.args!['latenessMs'], Math.round((fires[3]!.startMs - fires[3]!.scheduledMs) * 1000) / 1000);
  assert.equal(late.args!['durationMs'], fires[3]!.durationMs);
  assert.equal(late.name, 'beat');
  const loop = trace.traceEvents.filter(e => e.ph === 'X' && e.pid === RUNTIME_PID && e.tid === 0);
  assert.equal(loop.length, rec.fires.filter(f => rec.timers.find(t => t.id === f.timerId)!.threadId === 0).length);
  assert.ok(trace.traceEvents.some(e => e.ph === 'C' && e.name === 'live timers'));
  assert.ok(trace.traceEvents.some(e => e.ph === 'i' && e.name === 'clear'));
});

test('timerscope export --format perfetto writes the file; bad input is one line', t => {
  const dir = mkdtempSync(join(tmpdir(), 'ts-export-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'trace.json');
  const r = spawnSync(process.execPath, [CLI, 'export', '--format', 'perfetto', FIXTURE_PATH, '-o', out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
  assertValidTrace(trace);
  assert.equal(trace.displayTimeUnit, 'ms');
  const bad = spawnSync(process.execPath, [CLI, 'export', '--format', 'pprof', FIXTURE_PATH], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /use --format perfetto/);
  const notRec = spawnSync(process.execPath, [CLI, 'export', '--format', 'perfetto', join(__dirname, '..', '..', '..', 'package.json')], { encoding: 'utf8' });
  assert.equal(notRec.status, 1);
  assert.match(notRec.stderr, /is not a Timerscope recording/);
});
