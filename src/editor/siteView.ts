/**
 * Pure: the extension's view of one timer call site, built from a snapshot (`timerscope.snapshot/v1`) or a
 * live report (`timerscope.watch/v1`). Everything the editor shows (markers, hovers, lenses, the tree)
 * reads this one shape, so the two engine outputs are adapted here and nowhere else.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAgentScript } from '../shared/agentProtocol';
import type { WatchReport } from '../shared/findings';
import type { Snapshot, SnapshotTimer, TimerKind } from '../shared/snapshot';

/** One live timer under a site (from snapshots). */
export type TimerView = Pick<SnapshotTimer, 'id' | 'kind' | 'delayMs' | 'refed' | 'keepsAlive' | 'ageMs' | 'dueInMs'>;

type SitePosition = { file: string; line: number; column: number; kind: TimerKind; delayMs?: number; callbackName?: string };

/** The position fields both engine outputs share, with the file made absolute against `cwd`. */
function positionOf(s: SitePosition, cwd: string | undefined): SitePosition {
  return { file: absoluteFile(s.file, cwd), line: s.line, column: s.column, kind: s.kind, delayMs: s.delayMs, callbackName: s.callbackName };
}

export type SiteView = {
  /** Absolute path when the target reported one we could resolve; otherwise as reported (`node:timers`). */
  file: string;
  line: number;
  column: number;
  kind: TimerKind;
  delayMs?: number;
  callbackName?: string;
  callback?: { name: string; file: string; line: number; column: number } | null;
  live: number;
  refed?: number;
  keepsAlive?: boolean;
  created?: number;
  cleared?: number;
  fired?: number;
  latenessP99Ms?: number;
  callbackP99Ms?: number;
  overlaps?: number;
  /** Creations per second over the last observation window. */
  createdPerSecond?: number;
  /** The live count grew over the last observations. */
  growing?: boolean;
  internal?: boolean;
  threadId?: number;
  timers?: TimerView[];
  /** Live counts, oldest first. */
  liveHistory?: number[];
};

/** Turns a path or URL reported by the target into an absolute path on this machine (when it is one). */
export function absoluteFile(file: string, cwd: string | undefined): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:[\\/]/i.test(file)) return file; // node:, http:, …
  if (path.isAbsolute(file) || !cwd || file === '(unknown)') return file;
  return path.resolve(cwd, file);
}

/** Key that identifies a site across refreshes. */
export function siteKey(s: { file: string; line: number; column: number; kind: string; threadId?: number }): string {
  return `${s.threadId ?? 0}|${s.file}:${s.line}:${s.column}|${s.kind}`;
}

/** Sites of a snapshot, with their timers, files made absolute against the target's cwd. */
export function sitesFromSnapshot(snap: Snapshot): SiteView[] {
  const cwd = snap.process.cwd;
  const timersBySite = new Map<string, SnapshotTimer[]>();
  for (const t of snap.timers) {
    if (!t.location) continue;
    const k = siteKey({ ...t.location, kind: t.kind, threadId: t.threadId });
    const list = timersBySite.get(k) ?? [];
    list.push(t);
    timersBySite.set(k, list);
  }
  return snap.sites.map(s => {
    const timers = timersBySite.get(siteKey(s)) ?? [];
    const cb = timers.find(t => t.callback)?.callback ?? null;
    return {
      ...positionOf(s, cwd),
      callback: cb ? { ...cb, file: absoluteFile(cb.file, cwd) } : null,
      live: s.count,
      refed: s.refed,
      keepsAlive: s.keepsAlive ?? s.refed > 0,
      internal: s.internal,
      threadId: s.threadId,
      timers: timers.map(t => ({ id: t.id, kind: t.kind, delayMs: t.delayMs, refed: t.refed, keepsAlive: t.keepsAlive, ageMs: t.ageMs, dueInMs: t.dueInMs })),
    };
  });
}

/** Sites of a live report (`timerscope watch`), files made absolute against `cwd`. */
export function sitesFromWatchReport(r: WatchReport, cwd: string | undefined): SiteView[] {
  const seconds = r.durationMs && r.durationMs > 0 ? r.durationMs / 1000 : undefined;
  return r.sites.map(s => {
    const h = s.liveHistory ?? [];
    return {
      ...positionOf(s, cwd),
      live: s.live,
      created: s.created,
      cleared: s.cleared,
      fired: s.fired,
      latenessP99Ms: s.latenessMs?.p99,
      callbackP99Ms: s.callbackMs?.p99,
      overlaps: s.overlaps,
      createdPerSecond: seconds ? s.created / seconds : undefined,
      growing: h.length >= 3 ? h[h.length - 1] > h[0] : undefined,
      internal: s.internal,
      threadId: s.threadId,
      liveHistory: h,
    };
  });
}

/**
 * Carries the live-count history across snapshot refreshes and marks sites whose count keeps growing
 * (snapshots carry no history of their own). Returns new objects.
 */
export function withHistory(prev: SiteView[] | undefined, next: SiteView[], maxHistory = 10): SiteView[] {
  const before = new Map((prev ?? []).map(s => [siteKey(s), s]));
  return next.map(s => {
    const old = before.get(siteKey(s));
    const liveHistory = [...(old?.liveHistory ?? []), s.live].slice(-maxHistory);
    const n = liveHistory.length;
    // Growing: at least three observations, never shrinking, and strictly more at the end.
    let growing = n >= 3 && liveHistory[n - 1] > liveHistory[0];
    for (let i = 1; growing && i < n; i++) if (liveHistory[i] < liveHistory[i - 1]) growing = false;
    return { ...s, liveHistory, growing: s.growing ?? growing };
  });
}

/**
 * Snapshot sites (timers, ref state, callback) with the live agent's numbers (fires, lateness, callback
 * time, churn) laid over them. Sites are matched by thread, file, line and kind: the snapshot infers the
 * call's column statically while the agent reads it from a stack, and the two may differ by a few columns.
 * Sites the agent saw but the snapshot did not (no timer alive right now) are kept with their live numbers.
 */
export function mergeLiveSites(snapshotSites: SiteView[], liveSites: SiteView[]): SiteView[] {
  const lineKey = (s: SiteView) => `${s.threadId ?? 0}|${s.file}:${s.line}|${s.kind}`;
  const live = new Map<string, SiteView[]>();
  for (const s of liveSites) live.set(lineKey(s), [...(live.get(lineKey(s)) ?? []), s]);
  const used = new Set<SiteView>();
  // The agent's own (unref'd) flush timer is not the user's business.
  const own = snapshotSites.filter(s => !isAgentFile(s.file));
  const out = own.map(s => {
    const candidates = (live.get(lineKey(s)) ?? []).filter(l => !used.has(l));
    const l = candidates.find(c => c.column === s.column) ?? candidates[0];
    if (!l) return s;
    used.add(l);
    const refed = refedAtLiveCount(s, l.live);
    return {
      ...s,
      // The agent sees every timer; snapshots taken while it is in attribute new timers to its wrapper.
      live: l.live,
      refed,
      keepsAlive: refed === undefined ? s.keepsAlive : refed > 0,
      created: l.created,
      cleared: l.cleared,
      fired: l.fired,
      latenessP99Ms: l.latenessP99Ms,
      callbackP99Ms: l.callbackP99Ms,
      overlaps: l.overlaps,
      createdPerSecond: l.createdPerSecond,
      // The agent's history is sampled every second: a better trend than the snapshot polls.
      growing: l.growing ?? s.growing,
      liveHistory: l.liveHistory && l.liveHistory.length > 1 ? l.liveHistory : s.liveHistory,
      callbackName: s.callbackName ?? l.callbackName,
    };
  });
  for (const l of liveSites) if (!used.has(l)) out.push(l);
  return out;
}

/**
 * The ref'd count at the agent's (newer, per second) live count. The snapshot's ref'd count belongs to its
 * own, older count (polled 5× less often while the agent is in): shown next to the live count it read
 * `388 of 519 ref'd` for timers that were never unref'd. The snapshot knows which timers are unref'd; the
 * timers created since are ref'd, as Node makes every timer (an unref after that snapshot shows at the next).
 */
export function refedAtLiveCount(snapshotSite: Pick<SiteView, 'live' | 'refed'>, live: number): number | undefined {
  if (snapshotSite.refed === undefined) return undefined;
  const unrefed = Math.max(0, snapshotSite.live - snapshotSite.refed);
  return Math.max(0, live - unrefed);
}

/** The in-target agent's own script (its sourceURL): never a user's site. */
export const isAgentFile = (file: string): boolean => isAgentScript(file);
