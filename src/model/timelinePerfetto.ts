import type { Recording } from '../shared/recording';
import { kindCall } from './timelineLanes';

/**
 * Converts a recording to Chrome trace-event JSON (the "JSON Object Format" that Perfetto and chrome://tracing
 * open). Layout: one process per call site (named like the timeline's site lane) holding one thread per timer,
 * so every timer gets its own track; fires are complete ('X') events with lateness and duration as args,
 * creation/clear marks are instant events on the timer's track. A "runtime" process carries the event loop,
 * GC pauses and the live-timer counter.
 */

/** One trace event (only the fields we emit). */
export type TraceEvent = {
  name: string;
  ph: 'X' | 'i' | 'M' | 'C';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 't' | 'p' | 'g';
  args?: Record<string, unknown>;
};

export type TraceFile = { traceEvents: TraceEvent[]; displayTimeUnit: 'ms'; metadata: Record<string, unknown> };

/** pid of the runtime process (event loop, GC, counters). Site processes are `SITE_PID_BASE + site.id`. */
export const RUNTIME_PID = 1;
export const SITE_PID_BASE = 100;
const GC_TID_BASE = 1_000_000;

const us = (ms: number): number => Math.round(ms * 1000 * 1000) / 1000;

export function toTraceEvents(rec: Recording): TraceFile {
  const ev: TraceEvent[] = [];
  const meta = (pid: number, tid: number, name: 'process_name' | 'thread_name' | 'process_sort_index' | 'thread_sort_index', value: string | number): void => {
    ev.push({ name, ph: 'M', pid, tid, args: typeof value === 'string' ? { name: value } : { sort_index: value } });
  };
  meta(RUNTIME_PID, 0, 'process_name', `node pid ${rec.process.pid} (runtime)`);
  meta(RUNTIME_PID, 0, 'process_sort_index', 0);
  for (const th of rec.threads) {
    meta(RUNTIME_PID, th.threadId, 'thread_name', `event loop (${th.name})`);
    meta(RUNTIME_PID, GC_TID_BASE + th.threadId, 'thread_name', `GC (${th.name})`);
  }
  const sites = new Map(rec.sites.map(s => [s.id, s]));
  const timers = new Map(rec.timers.map(t => [t.id, t]));
  for (const s of rec.sites) {
    const pid = SITE_PID_BASE + s.id;
    const where = s.location ? `${s.location.file}:${s.location.line}:${s.location.column}` : 'unknown site';
    meta(pid, 0, 'process_name', `${kindCall(s.kind)}${s.kind === 'immediate' ? '' : ` ${s.delayMs}ms`} ${where}`);
    meta(pid, 0, 'process_sort_index', s.id);
  }
  for (const t of rec.timers) {
    const pid = SITE_PID_BASE + t.siteId;
    meta(pid, t.id, 'thread_name', `timer #${t.id} ${kindCall(t.kind)} ${t.delayMs}ms`);
    meta(pid, t.id, 'thread_sort_index', t.id);
  }
  for (const f of rec.fires) {
    const t = timers.get(f.timerId);
    const s = t ? sites.get(t.siteId) : undefined;
    const name = s?.callbackName || (t ? kindCall(t.kind) : 'timer');
    const args = {
      timerId: f.timerId,
      scheduledMs: f.scheduledMs,
      latenessMs: Math.max(0, Math.round((f.startMs - f.scheduledMs) * 1000) / 1000),
      durationMs: f.durationMs,
      ...(s?.location ? { site: `${s.location.file}:${s.location.line}:${s.location.column}` } : {}),
    };
    const base = { name, cat: 'timer', ph: 'X' as const, ts: us(f.startMs), dur: us(f.durationMs), args };
    ev.push({ ...base, pid: SITE_PID_BASE + (t?.siteId ?? 0), tid: f.timerId });
    ev.push({ ...base, pid: RUNTIME_PID, tid: t?.threadId ?? 0 });
  }
  for (const m of rec.marks) {
    const t = timers.get(m.timerId);
    if (!t) continue;
    ev.push({ name: m.type, cat: 'timer.mark', ph: 'i', s: 't', ts: us(m.tMs), pid: SITE_PID_BASE + t.siteId, tid: t.id, args: { timerId: t.id } });
  }
  for (const g of rec.gc) {
    ev.push({ name: 'GC pause', cat: 'gc', ph: 'X', ts: us(g.startMs), dur: us(g.durationMs), pid: RUNTIME_PID, tid: GC_TID_BASE + (g.threadId ?? 0), args: { durationMs: g.durationMs } });
  }
  for (const c of rec.counters) {
    ev.push({ name: c.threadId ? `live timers (thread ${c.threadId})` : 'live timers', ph: 'C', ts: us(c.tMs), pid: RUNTIME_PID, tid: 0, args: { live: c.live } });
  }
  return {
    traceEvents: ev,
    displayTimeUnit: 'ms',
    metadata: { source: 'timerscope', schema: rec.schema, t0: rec.t0, pid: rec.process.pid, argv: rec.process.argv, findings: rec.findings },
  };
}
