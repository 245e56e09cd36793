import type { Percentiles } from '../shared/findings';
import type { TimelineSlo } from '../shared/webviewProtocol';
import { lowerBound, percentile } from './timelineSearch';
import type { TimelineStore } from './timelineStore';

/** Numbers for a selected time range (the "selection" panel of the timeline). */
export type RangeStats = {
  startMs: number;
  endMs: number;
  fires: number;
  /** Callback time inside the range (clipped to it). */
  busyMs: number;
  /** busyMs as a share of the range, 0..100. */
  busyPct: number;
  latenessMs: Percentiles;
  callbackMs: Percentiles;
  /** Fires over an SLO threshold. */
  sloBreaches: number;
  gc: { count: number; totalMs: number; maxMs: number };
  created: number;
  cleared: number;
  /** Worst event-loop delay p99 sampled in the range (monitorEventLoopDelay), or null without samples. */
  loopDelayP99Ms: number | null;
  /** Live timers at the end of the range (last counter sample at or before it). */
  liveAtEnd: number | null;
  /** Sites with the most callback time in the range, most first (at most 5). */
  topSites: { siteId: number; fires: number; busyMs: number }[];
};

function pct(values: number[]): Percentiles {
  values.sort((a, b) => a - b);
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length ? values[values.length - 1]! : 0,
  };
}

/**
 * Statistics over [startMs, endMs] for the threads in `threadId` (null = all). A fire belongs to the range when
 * it starts inside it; its busy time is clipped to the range.
 */
export function rangeStats(
  store: TimelineStore,
  startMs: number,
  endMs: number,
  slo: TimelineSlo,
  threadId: number | null = null,
): RangeStats {
  const lo = Math.min(startMs, endMs);
  const hi = Math.max(startMs, endMs);
  const late: number[] = [];
  const dur: number[] = [];
  let busy = 0;
  let breaches = 0;
  const perSite = new Map<number, { fires: number; busyMs: number }>();
  for (const [thread, fires] of store.loop) {
    if (threadId !== null && thread !== threadId) continue;
    // Fires are sorted by start; a long callback that began before `lo` still counts its overlap as busy.
    for (let i = lowerBound(fires, lo - 60_000, f => f.startMs); i < fires.length; i++) {
      const f = fires[i]!;
      if (f.startMs > hi) break;
      const overlap = Math.min(hi, f.startMs + f.durationMs) - Math.max(lo, f.startMs);
      if (overlap > 0) busy += overlap;
      if (f.startMs < lo) continue;
      const lateness = Math.max(0, f.startMs - f.scheduledMs);
      late.push(lateness);
      dur.push(f.durationMs);
      if (lateness > slo.latenessMs || f.durationMs > slo.callbackMs) breaches++;
      const siteId = store.timers.get(f.timerId)?.timer.siteId ?? -1;
      const s = perSite.get(siteId) ?? { fires: 0, busyMs: 0 };
      s.fires++;
      s.busyMs += f.durationMs;
      perSite.set(siteId, s);
    }
  }
  let gcCount = 0;
  let gcTotal = 0;
  let gcMax = 0;
  for (const g of store.gc) {
    if (g.startMs < lo || g.startMs > hi) continue;
    if (threadId !== null && (g.threadId ?? 0) !== threadId) continue;
    gcCount++;
    gcTotal += g.durationMs;
    gcMax = Math.max(gcMax, g.durationMs);
  }
  let created = 0;
  let cleared = 0;
  for (const st of store.sites.values()) {
    if (threadId !== null && st.site.threadId !== threadId) continue;
    for (let i = lowerBound(st.marks, lo, m => m.tMs); i < st.marks.length && st.marks[i]!.tMs <= hi; i++) {
      const m = st.marks[i]!;
      if (m.type === 'create') created++;
      else if (m.type === 'clear') cleared++;
    }
  }
  // A delay sample summarises the window that ends at its tMs, so the first one after `hi` still covers the range.
  let delay: number | null = null;
  for (let i = lowerBound(store.loopDelay, lo, d => d.tMs); i < store.loopDelay.length; i++) {
    const d = store.loopDelay[i]!;
    if (threadId !== null && (d.threadId ?? 0) !== threadId) continue;
    delay = Math.max(delay ?? 0, d.p99);
    if (d.tMs > hi) break;
  }
  // Live timers at the end: the latest sample at or before `hi` of each thread, summed.
  const latest = new Map<number, number>();
  for (const c of store.counters) {
    if (c.tMs > hi) continue;
    const th = c.threadId ?? 0;
    if (threadId === null || th === threadId) latest.set(th, c.live);
  }
  const span = hi - lo;
  return {
    startMs: lo,
    endMs: hi,
    fires: dur.length,
    busyMs: busy,
    busyPct: span > 0 ? (busy / span) * 100 : 0,
    latenessMs: pct(late),
    callbackMs: pct(dur),
    sloBreaches: breaches,
    gc: { count: gcCount, totalMs: gcTotal, maxMs: gcMax },
    created,
    cleared,
    loopDelayP99Ms: delay,
    liveAtEnd: latest.size ? [...latest.values()].reduce((a, b) => a + b, 0) : null,
    topSites: [...perSite.entries()]
      .map(([siteId, v]) => ({ siteId, ...v }))
      .sort((a, b) => b.busyMs - a.busyMs)
      .slice(0, 5),
  };
}
