import type {
  CounterSample,
  LoopDelaySample,
  Recording,
  RecordedFire,
  RecordedGc,
  RecordedMark,
  RecordedSite,
  RecordedThread,
  RecordedTimer,
  RecordingDelta,
} from '../shared/recording';
import { RECORDING_SCHEMA } from '../shared/recording';
import type { Finding } from '../shared/findings';
import { insertSorted, lowerBound } from './timelineSearch';

/**
 * The pure, windowed timeline store shared by the extension host and the webview: it loads a
 * {@link Recording}, applies live {@link RecordingDelta}s, and keeps only the last `windowMs` of history so the
 * webview's memory stays bounded however long a session runs. Arrays are kept sorted by start time so the
 * renderer can binary-search the visible range of every lane.
 */

/** One timer and its fires/marks, sorted by time. */
export type TimerTrack = { timer: RecordedTimer; fires: RecordedFire[]; marks: RecordedMark[] };

/** One call site: its timers and all their fires merged (the collapsed lane). */
export type SiteTrack = {
  site: RecordedSite;
  /** `file:line`, the key findings are matched on. */
  key: string;
  timers: TimerTrack[];
  fires: RecordedFire[];
  marks: RecordedMark[];
};

/** Options of a {@link TimelineStore}. */
export type TimelineStoreOptions = {
  /** History kept behind the newest time, in ms; `null` keeps everything (a finished recording). */
  windowMs: number | null;
};

const byStart = (f: RecordedFire): number => f.startMs;
const byT = (m: { tMs: number }): number => m.tMs;
const byGc = (g: RecordedGc): number => g.startMs;

/** Site key used to match findings (`Finding.site`) to call sites. */
export function siteKeyOf(pos: { file: string; line: number } | null | undefined): string {
  return pos ? `${pos.file}:${pos.line}` : '';
}

export class TimelineStore {
  readonly sites = new Map<number, SiteTrack>();
  readonly timers = new Map<number, TimerTrack>();
  /** Every fire, per thread: the event-loop lane. */
  readonly loop = new Map<number, RecordedFire[]>();
  gc: RecordedGc[] = [];
  counters: CounterSample[] = [];
  loopDelay: LoopDelaySample[] = [];
  findings: Finding[] = [];
  threads: RecordedThread[] = [];
  process: Recording['process'] = { pid: 0, nodeVersion: '', argv: [] };
  t0 = 0;
  dropped = 0;
  /** Newest time seen (ms since t0). */
  nowMs = 0;
  /** Events before this were trimmed away by the window. */
  horizonMs = 0;
  /** Longest callback seen: how far before a view's start a still-visible slice can begin. */
  maxDurationMs = 0;
  /** Bumped when sites, timers or findings change: lanes must be rebuilt (fires alone do not need it). */
  structureVersion = 0;
  /** Bumped on every change, so renderers can skip redundant work. */
  version = 0;
  /** Fires whose timer is not known yet (a delta may carry a fire before its timer). */
  private readonly orphans = new Map<number, RecordedFire[]>();
  private lastTrimAt = 0;

  constructor(public options: TimelineStoreOptions = { windowMs: null }) {}

  /** Replaces everything with `rec` (then trims to the window). */
  load(rec: Recording): void {
    this.sites.clear();
    this.timers.clear();
    this.loop.clear();
    this.orphans.clear();
    this.gc = [];
    this.counters = [];
    this.loopDelay = [];
    this.findings = [];
    this.threads = rec.threads.slice();
    this.process = rec.process;
    this.t0 = rec.t0;
    this.dropped = rec.dropped;
    this.nowMs = rec.durationMs;
    this.horizonMs = 0;
    this.maxDurationMs = 0;
    this.lastTrimAt = 0;
    this.apply({
      sites: rec.sites,
      timers: rec.timers,
      // Sorted once here so that every per-lane insert below is an append.
      fires: rec.fires.slice().sort((a, b) => a.startMs - b.startMs),
      marks: rec.marks.slice().sort((a, b) => a.tMs - b.tMs),
      gc: rec.gc,
      counters: rec.counters,
      loopDelay: rec.loopDelay,
      findings: rec.findings,
      nowMs: rec.durationMs,
    });
  }

  /** Applies one live delta. Idempotent for sites and timers (later versions replace earlier ones). */
  apply(d: RecordingDelta): void {
    for (const s of d.sites ?? []) this.addSite(s);
    for (const t of d.timers ?? []) this.addTimer(t);
    for (const e of d.ended ?? []) {
      const tr = this.timers.get(e.timerId);
      if (tr) tr.timer.endMs = e.endMs;
      this.structureVersion++;
      this.seen(e.endMs);
    }
    for (const f of d.fires ?? []) this.addFire(f);
    for (const m of d.marks ?? []) {
      const tr = this.timers.get(m.timerId);
      if (tr) {
        insertSorted(tr.marks, m, byT);
        const st = this.sites.get(tr.timer.siteId);
        if (st) insertSorted(st.marks, m, byT);
      }
      this.seen(m.tMs);
    }
    for (const g of d.gc ?? []) {
      insertSorted(this.gc, g, byGc);
      this.seen(g.startMs + g.durationMs);
    }
    for (const c of d.counters ?? []) {
      insertSorted(this.counters, c, byT);
      this.seen(c.tMs);
    }
    for (const l of d.loopDelay ?? []) insertSorted(this.loopDelay, l, byT);
    if (d.findings?.length) this.mergeFindings(d.findings);
    if (d.nowMs !== undefined) this.seen(d.nowMs);
    this.version++;
    this.trim();
  }

  /** The store's content as a Recording (what a hydrate message carries). */
  toRecording(): Recording {
    const timers = [...this.timers.values()];
    return {
      schema: RECORDING_SCHEMA,
      process: this.process,
      t0: this.t0,
      durationMs: this.nowMs,
      threads: this.threads,
      sites: [...this.sites.values()].map(s => s.site),
      timers: timers.map(t => t.timer),
      fires: [...this.loop.values()].flat().sort((a, b) => a.startMs - b.startMs),
      marks: timers.flatMap(t => t.marks),
      gc: this.gc,
      counters: this.counters,
      loopDelay: this.loopDelay,
      findings: this.findings,
      dropped: this.dropped,
    };
  }

  /** Number of fires currently held (all threads). */
  fireCount(): number {
    let n = 0;
    for (const arr of this.loop.values()) n += arr.length;
    return n;
  }

  /** Thread of a timer's fires (0 = main). */
  threadOf(timerId: number): number {
    return this.timers.get(timerId)?.timer.threadId ?? 0;
  }

  private seen(t: number): void {
    if (t > this.nowMs) this.nowMs = t;
  }

  private addSite(s: RecordedSite): void {
    this.structureVersion++;
    const existing = this.sites.get(s.id);
    if (existing) {
      existing.site = s;
      existing.key = siteKeyOf(s.location);
      return;
    }
    this.sites.set(s.id, { site: s, key: siteKeyOf(s.location), timers: [], fires: [], marks: [] });
    if (!this.threads.some(t => t.threadId === s.threadId)) {
      this.threads.push({ threadId: s.threadId, name: s.threadId === 0 ? 'main' : `worker ${s.threadId}` });
    }
  }

  private addTimer(t: RecordedTimer): void {
    this.structureVersion++;
    const existing = this.timers.get(t.id);
    if (existing) {
      existing.timer = t;
      return;
    }
    const track: TimerTrack = { timer: t, fires: [], marks: [] };
    this.timers.set(t.id, track);
    this.sites.get(t.siteId)?.timers.push(track);
    const waiting = this.orphans.get(t.id);
    if (waiting) {
      this.orphans.delete(t.id);
      for (const f of waiting) this.attachFire(track, f);
    }
  }

  private addFire(f: RecordedFire): void {
    const track = this.timers.get(f.timerId);
    const thread = track?.timer.threadId ?? 0;
    let lane = this.loop.get(thread);
    if (!lane) this.loop.set(thread, (lane = []));
    insertSorted(lane, f, byStart);
    if (f.durationMs > this.maxDurationMs) this.maxDurationMs = f.durationMs;
    this.seen(f.startMs + f.durationMs);
    if (track) this.attachFire(track, f);
    else {
      const list = this.orphans.get(f.timerId) ?? [];
      list.push(f);
      this.orphans.set(f.timerId, list);
    }
  }

  private attachFire(track: TimerTrack, f: RecordedFire): void {
    insertSorted(track.fires, f, byStart);
    const st = this.sites.get(track.timer.siteId);
    if (st) insertSorted(st.fires, f, byStart);
  }

  private mergeFindings(list: Finding[]): void {
    // Live analysis re-reports the same finding on every tick; keep one per (rule, site, thread).
    const key = (f: Finding): string => `${f.rule}|${siteKeyOf(f.site)}|${f.threadId ?? 0}`;
    const byKey = new Map(this.findings.map(f => [key(f), f]));
    for (const f of list) byKey.set(key(f), f);
    this.findings = [...byKey.values()];
    this.structureVersion++;
  }

  /**
   * Drops history older than the window. Runs at most once per tenth of the window of data time so that a
   * stream of small deltas does not pay an O(n) splice each time.
   */
  private trim(): void {
    const w = this.options.windowMs;
    if (w === null || this.nowMs - this.lastTrimAt < Math.max(w / 10, 50)) return;
    this.lastTrimAt = this.nowMs;
    const cut = this.nowMs - w;
    if (cut <= this.horizonMs) return;
    this.horizonMs = cut;
    this.structureVersion++;
    const dropBefore = <T>(arr: T[], key: (x: T) => number): void => {
      const i = lowerBound(arr, cut, key);
      if (i > 0) arr.splice(0, i);
    };
    for (const arr of this.loop.values()) dropBefore(arr, byStart);
    for (const [id, tr] of this.timers) {
      dropBefore(tr.fires, byStart);
      dropBefore(tr.marks, byT);
      if (tr.timer.endMs !== null && tr.timer.endMs < cut && tr.fires.length === 0) {
        this.timers.delete(id);
        const st = this.sites.get(tr.timer.siteId);
        if (st) st.timers.splice(st.timers.indexOf(tr), 1);
      }
    }
    for (const st of this.sites.values()) {
      dropBefore(st.fires, byStart);
      dropBefore(st.marks, byT);
    }
    dropBefore(this.gc, byGc);
    dropBefore(this.loopDelay, byT);
    // Keep one counter sample before the cut so the graph starts at the right level.
    const ci = lowerBound(this.counters, cut, byT);
    if (ci > 1) this.counters.splice(0, ci - 1);
  }
}
