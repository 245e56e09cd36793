/**
 * The live model: applies agent batches (per thread, sites already resolved to source positions) and keeps
 * per-site and per-timer numbers, a bounded recording and the data the findings are computed from.
 * Pure: no CDP, no vscode. Times in the output are ms since `t0` (epoch ms), as in {@link Recording}.
 */
import type { AgentBatch } from '../shared/agentProtocol';
import { FIRE_FIELDS, FIRE_OVERLAP, TIMER_INTERVAL, TIMER_REFED } from '../shared/agentProtocol';
import type { RecordedSite, RecordingDelta, RecordedTimer } from '../shared/recording';
import type { TimerKind } from '../shared/snapshot';
import { Histogram } from './histogram';
import { RecordingBuffer } from './recordingBuffer';

/** A site as the session resolved it (agent site id → source position). */
export type ResolvedSite = Omit<RecordedSite, 'id' | 'threadId'> & { agentId: number };

export type SiteState = {
  site: RecordedSite;
  created: number;
  cleared: number;
  fired: number;
  refreshed: number;
  live: number;
  /** Live count per agent site id merged into this one (their sum is `live`). */
  liveParts: Map<number, number>;
  lateness: Histogram;
  duration: Histogram;
  driftMs: number;
  overlaps: number;
  /** Live count once a second (bounded), for sparklines and the growth rule. */
  history: { tMs: number; live: number }[];
  /** Created count at the last tick, and the highest creations/second seen. */
  createdAtTick: number;
  maxCreatedPerSec: number;
  /** Present since before attach (adopted timers): no zero baseline for growth. */
  preexisting: boolean;
  firstSeenMs: number;
  /** Reported (long enough lived) timers of this site that are alive. */
  timers: Set<TimerState>;
};

export type TimerState = {
  id: number;
  site: SiteState;
  kind: TimerKind;
  delayMs: number;
  createdMs: number;
  refed: boolean;
  driftMs: number;
  /** When its HTTP request's response finished (recording ms), if it was created under one. */
  requestFinishedMs?: number;
  recorded: RecordedTimer | undefined;
};

type Thread = { threadId: number; name: string; timeOrigin: number; sites: Map<number, SiteState>; live: number; unsampled?: number; ended?: boolean };

const HISTORY_MAX = 600;

export class LiveModel {
  readonly threads = new Map<number, Thread>();
  readonly sites: SiteState[] = [];
  readonly timers = new Map<number, TimerState>();
  readonly buffer: RecordingBuffer;
  dropped = 0;
  unsampled = 0;
  loop = { p50: 0, p99: 0, max: 0 };
  gc = { count: 0, max: 0 };
  nowMs = 0;
  private readonly seenShortLived = new Set<number>();
  /** Sites by thread, kind and resolved position: the agent may know one line under two keys (stack, callback). */
  private readonly byPosition = new Map<string, SiteState>();
  /** Worker threads whose Worker handle is unref'd (their timers do not keep the process alive). */
  readonly unrefedThreads = new Set<number>();

  constructor(readonly t0: number) {
    this.buffer = new RecordingBuffer();
  }

  addThread(threadId: number, name: string, timeOrigin: number): RecordingDelta {
    if (!this.threads.has(threadId)) this.threads.set(threadId, { threadId, name, timeOrigin, sites: new Map(), live: 0 });
    this.buffer.threads.push({ threadId, name });
    return {};
  }

  endThread(threadId: number): void {
    const th = this.threads.get(threadId);
    if (th) th.ended = true;
  }

  private ms(th: Thread, perf: number): number {
    return Math.round((th.timeOrigin + perf - this.t0) * 1000) / 1000;
  }

  private timerKey(threadId: number, id: number): number {
    return threadId * 1e9 + id;
  }

  /** Adds resolved sites of a thread; returns their recorded form. */
  addSites(threadId: number, sites: ResolvedSite[], delta: RecordingDelta): void {
    const th = this.threads.get(threadId)!;
    for (const s of sites) {
      const { agentId, ...rest } = s;
      const key = s.location ? `${threadId}|${s.kind}|${s.location.file}|${s.location.line}|${s.location.column}` : undefined;
      const same = key !== undefined ? this.byPosition.get(key) : undefined;
      if (same) {
        th.sites.set(agentId, same);
        same.site.callbackName ??= s.callbackName;
        continue;
      }
      const site: RecordedSite = { ...rest, id: this.sites.length, threadId };
      const state: SiteState = {
        site,
        created: 0,
        cleared: 0,
        fired: 0,
        refreshed: 0,
        live: 0,
        liveParts: new Map(),
        lateness: new Histogram(),
        duration: new Histogram(),
        driftMs: 0,
        overlaps: 0,
        history: [],
        createdAtTick: 0,
        maxCreatedPerSec: 0,
        preexisting: false,
        firstSeenMs: this.nowMs,
        timers: new Set(),
      };
      this.sites.push(state);
      th.sites.set(agentId, state);
      if (key !== undefined) this.byPosition.set(key, state);
      this.buffer.sites.push(site);
      (delta.sites ??= []).push(site);
    }
  }

  /** Applies one batch of a thread (its new sites must have been added already). */
  applyBatch(threadId: number, b: AgentBatch, delta: RecordingDelta): void {
    const th = this.threads.get(threadId);
    if (!th) return;
    const at = (perf: number) => this.ms(th, perf);
    this.nowMs = Math.max(this.nowMs, at(b.now));
    delta.nowMs = this.nowMs;
    for (const [id, siteId, createdAt, delayMs, flags] of b.timers ?? []) {
      const site = th.sites.get(siteId);
      if (!site) continue;
      if (flags & 4) site.preexisting = true;
      const kind: TimerKind = flags & TIMER_INTERVAL ? 'interval' : 'timeout';
      const key = this.timerKey(threadId, id);
      // Reported again: another host joined the agent, which then re-reports every live timer to all.
      if (this.timers.has(key)) continue;
      const createdMs = at(createdAt);
      const recorded = this.buffer.addTimer({ id: key, siteId: site.site.id, kind, delayMs, threadId, createdMs, endMs: null, refed: Boolean(flags & TIMER_REFED) }, delta);
      const timer: TimerState = { id: key, site, kind, delayMs, createdMs, refed: Boolean(flags & TIMER_REFED), driftMs: 0, recorded };
      this.timers.set(key, timer);
      site.timers.add(timer);
    }
    for (const [id, siteId, sched, start, dur, flags] of chunks(b.fires)) {
      const site = th.sites.get(siteId);
      if (!site) continue;
      const lateness = Math.max(0, start - sched);
      site.lateness.record(lateness);
      site.duration.record(dur);
      if (flags & FIRE_OVERLAP) site.overlaps++;
      const key = this.timerKey(threadId, id);
      const timer = this.timers.get(key);
      if (!timer && !this.seenShortLived.has(key)) {
        // Created and fired between two batches: never reported alive; give the timeline a timer for it.
        this.seenShortLived.add(key);
        if (this.seenShortLived.size > 10000) this.seenShortLived.clear();
        const s = site.site;
        const endMs = s.kind === 'interval' ? null : at(start + dur);
        this.buffer.addTimer({ id: key, siteId: s.id, kind: s.kind, delayMs: s.delayMs, threadId, createdMs: at(sched - s.delayMs), endMs, refed: true }, delta);
      }
      if (timer && timer.kind === 'interval') {
        timer.driftMs += lateness;
        site.driftMs = Math.round(timer.driftMs * 100) / 100;
      }
      this.buffer.addFire({ timerId: key, scheduledMs: at(sched), startMs: at(start), durationMs: dur }, delta);
    }
    for (const [id, endedAt] of b.ended ?? []) {
      const key = this.timerKey(threadId, id);
      const timer = this.timers.get(key);
      const endMs = at(endedAt);
      if (!timer) continue;
      if (timer.recorded) this.buffer.endTimer(timer.recorded, endMs, delta);
      this.timers.delete(key);
      timer.site.timers.delete(timer);
    }
    for (const [id, tAt, type] of b.marks ?? []) {
      const key = this.timerKey(threadId, id);
      const timer = this.timers.get(key);
      if (!timer) continue;
      if (type === 0) {
        timer.driftMs = 0;
        this.buffer.addMark({ timerId: key, tMs: at(tAt), type: 'refresh' }, delta);
      } else if (type === 1 || type === 2) {
        timer.refed = type === 1;
        if (timer.recorded) timer.recorded.refed = timer.refed;
      } else if (type === 3) timer.requestFinishedMs = at(tAt);
    }
    for (const [siteId, created, cleared, fired, refreshed, live] of b.counts ?? []) {
      const site = th.sites.get(siteId);
      if (!site) continue;
      site.created += created;
      site.cleared += cleared;
      site.fired += fired;
      site.refreshed += refreshed;
      site.liveParts.set(siteId, live);
      let sum = 0;
      for (const n of site.liveParts.values()) sum += n;
      site.live = sum;
    }
    for (const [start, dur] of b.gc ?? []) {
      this.gc.count += b.gcWeight ?? 1;
      this.gc.max = Math.max(this.gc.max, Math.round(dur * 100) / 100);
      this.buffer.addGc({ startMs: at(start), durationMs: dur, threadId }, delta);
    }
    if (b.workers) {
      for (const [workerId, refed] of b.workers) {
        if (refed) this.unrefedThreads.delete(workerId);
        else this.unrefedThreads.add(workerId);
      }
    }
    if (b.loop) this.buffer.addLoop({ tMs: at(b.now), ...b.loop, threadId }, delta);
    if (b.loopTotal && threadId === 0) this.loop = b.loopTotal;
    th.live = b.live;
    this.dropped = Math.max(this.dropped, b.dropped);
    // Each thread's agent counts its own creations that it did not track one by one (sampled storms).
    th.unsampled = Math.max(th.unsampled ?? 0, b.unsampled);
    let unsampled = 0;
    for (const x of this.threads.values()) unsampled += x.unsampled ?? 0;
    this.unsampled = unsampled;
  }

  /** Once a second: live-count history per site and per thread, creation rates. */
  tick(delta: RecordingDelta): void {
    const tMs = this.nowMs;
    for (const s of this.sites) {
      s.history.push({ tMs, live: s.live });
      if (s.history.length > HISTORY_MAX) s.history.shift();
      s.maxCreatedPerSec = Math.max(s.maxCreatedPerSec, s.created - s.createdAtTick);
      s.createdAtTick = s.created;
    }
    for (const th of this.threads.values()) {
      if (!th.ended) this.buffer.addCounter({ tMs, live: th.live, threadId: th.threadId }, delta);
    }
  }
}

function* chunks(fires: number[] | undefined): Generator<number[]> {
  if (!fires) return;
  for (let i = 0; i + FIRE_FIELDS <= fires.length; i += FIRE_FIELDS) yield fires.slice(i, i + FIRE_FIELDS);
}
