/**
 * Pure: turns what the inspector read (raw timers with resolved positions, handles) into the
 * `timerscope.snapshot/v1` document: sites grouped and ranked, keep-alive reasons explained.
 */
import {
  SNAPSHOT_SCHEMA,
  type KeepAliveReason,
  type Snapshot,
  type SnapshotHandle,
  type SnapshotSite,
  type SnapshotTimer,
  type SourcePosition,
  type TimerKind,
} from '../shared/snapshot';

/** A resolved position as the inspector layer gives it (see inspector/sourceResolver.ts). */
export type RawPosition = {
  location: SourcePosition;
  generated: SourcePosition | null;
  origin: 'user' | 'node' | 'node_modules';
};

export type RawTimer = {
  id: number;
  kind: TimerKind;
  delayMs: number;
  refed: boolean;
  ageMs: number;
  dueInMs: number;
  callbackName: string;
  callback: RawPosition | null;
  /** Creation site when known (inferred or from a stack), else the callback position. */
  site: RawPosition | null;
  locationSource?: 'callback' | 'inferred-call' | 'stack';
  threadId?: number;
};

export type RawHandle = { type: string; refed: boolean; detail: string; location: SourcePosition | null };

export type BuildInput = {
  info: { pid: number; nodeVersion: string; argv: string[]; uptimeMs: number; cwd: string };
  method: Snapshot['method'];
  timers: RawTimer[];
  handles: RawHandle[];
  warnings: string[];
  takenAt?: Date;
};

/** Handles that never keep a process alive on their own account (stdio) are listed but not blamed. */
const STDIO = new Set(['stdin', 'stdout', 'stderr']);

function toTimer(t: RawTimer): SnapshotTimer {
  const origin = t.site?.origin ?? t.callback?.origin ?? 'node';
  return {
    id: t.id,
    kind: t.kind,
    delayMs: t.delayMs,
    refed: t.refed,
    keepsAlive: t.refed,
    ageMs: t.ageMs,
    dueInMs: t.dueInMs,
    internal: origin !== 'user',
    origin,
    location: t.site?.location ?? null,
    locationSource: t.site ? t.locationSource : undefined,
    generated: t.site?.generated ?? null,
    callback: t.callback ? { name: t.callbackName || '(anonymous)', ...t.callback.location } : null,
    ...(t.threadId ? { threadId: t.threadId } : {}),
  };
}

/** How worrying a site is: ref'd intervals that pile up first, unref'd and internal ones last. */
export function suspicion(s: SnapshotSite): number {
  let score = 0;
  if (s.refed > 0) score += 1000;
  if (s.kind === 'interval') score += 500;
  if (!s.internal) score += 200;
  score += Math.min(s.count, 10000) * 2 + (s.kind === 'timeout' ? Math.min(s.delayMs / 10000, 50) : 0);
  return score;
}

function siteKey(t: SnapshotTimer): string {
  const l = t.location;
  return `${t.threadId ?? 0}|${l ? `${l.file}:${l.line}:${l.column}` : '?'}|${t.kind}`;
}

/** Groups timers by creation site (or callback site) and kind, most suspicious first. */
export function groupSites(timers: SnapshotTimer[]): SnapshotSite[] {
  const sites = new Map<string, SnapshotSite>();
  for (const t of timers) {
    const key = siteKey(t);
    let s = sites.get(key);
    if (!s) {
      s = {
        file: t.location?.file ?? '(unknown)',
        line: t.location?.line ?? 0,
        column: t.location?.column ?? 0,
        kind: t.kind,
        count: 0,
        refed: 0,
        delayMs: t.delayMs,
        callbackName: t.callback?.name,
        internal: t.internal,
        keepsAlive: false,
        ...(t.threadId ? { threadId: t.threadId } : {}),
      };
      sites.set(key, s);
    }
    s.count++;
    if (t.refed) s.refed++;
    if (t.keepsAlive) s.keepsAlive = true;
  }
  return [...sites.values()].sort((a, b) => suspicion(b) - suspicion(a));
}

function describeSite(s: SnapshotSite): string {
  const delay = s.kind === 'immediate' ? '' : ` ${s.delayMs} ms`;
  const where = s.line ? `${s.file}:${s.line}:${s.column}` : s.file;
  return `${s.kind}${delay} ×${s.refed} at ${where}${s.callbackName ? ` (callback ${s.callbackName})` : ''}`;
}

export function keepAliveReasons(sites: SnapshotSite[], handles: SnapshotHandle[], handleLocations: (SourcePosition | null)[]): KeepAliveReason[] {
  const reasons: KeepAliveReason[] = sites
    .filter(s => s.refed > 0)
    .map(s => ({ what: 'timer' as const, description: describeSite(s), location: s.line ? { file: s.file, line: s.line, column: s.column } : null, count: s.refed }));
  handles.forEach((h, i) => {
    if (!h.keepsAlive) return;
    reasons.push({ what: 'handle', description: `${h.type}${h.detail ? ' ' + h.detail : ''}`, location: handleLocations[i] ?? null });
  });
  return reasons;
}

export function buildSnapshot(input: BuildInput): Snapshot {
  const timers = input.timers.map(toTimer);
  const sites = groupSites(timers);
  const handles: SnapshotHandle[] = input.handles.map(h => ({
    type: h.type,
    refed: h.refed,
    keepsAlive: h.refed && !STDIO.has(h.type),
    detail: h.detail,
    ...(h.location ? { location: h.location } : {}),
  }));
  return {
    schema: SNAPSHOT_SCHEMA,
    process: { pid: input.info.pid, nodeVersion: input.info.nodeVersion, argv: input.info.argv, uptimeMs: input.info.uptimeMs, cwd: input.info.cwd },
    takenAt: (input.takenAt ?? new Date()).toISOString(),
    method: input.method,
    timers,
    sites,
    handles,
    keepAliveReasons: keepAliveReasons(sites, handles, input.handles.map(h => h.location)),
    ...(input.warnings.length ? { warnings: input.warnings } : {}),
  };
}
