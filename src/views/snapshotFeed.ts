/**
 * Pure: feeds the timeline from periodic snapshots while no live agent is available. Each snapshot becomes
 * a delta: new sites and timers (created `ageMs` before the snapshot), timers that vanished (ended at the
 * snapshot), and a live-timer counter sample. No fires: snapshots cannot see callbacks run.
 */
import type { CounterSample, RecordedSite, RecordedTimer, RecordingDelta } from '../shared/recording';
import type { Snapshot, SnapshotTimer } from '../shared/snapshot';

const siteKeyOf = (t: SnapshotTimer) =>
  `${t.threadId ?? 0}|${t.location ? `${t.location.file}:${t.location.line}:${t.location.column}` : '(unknown)'}|${t.kind}|${t.delayMs}`;

export class SnapshotTimelineFeed {
  private readonly siteIds = new Map<string, number>();
  /** Timer id → thread-qualified key of the timers alive at the last snapshot. */
  private alive = new Map<string, number>();
  private nextSiteId = 1;
  private nextTimerId = 1;
  private readonly timerIds = new Map<string, number>();

  /** `t0`: epoch ms of timeline time 0 (the attach). */
  constructor(readonly t0: number) {}

  /** The delta that brings the timeline from the previous snapshot to `snap`. */
  next(snap: Snapshot): RecordingDelta {
    const nowMs = Math.max(0, Date.parse(snap.takenAt) - this.t0);
    const sites: RecordedSite[] = [];
    const timers: RecordedTimer[] = [];
    const seen = new Map<string, number>();
    for (const t of snap.timers) {
      const sk = siteKeyOf(t);
      let siteId = this.siteIds.get(sk);
      if (siteId === undefined) {
        siteId = this.nextSiteId++;
        this.siteIds.set(sk, siteId);
        sites.push({
          id: siteId,
          kind: t.kind,
          location: t.location,
          generated: t.generated,
          callbackName: t.callback?.name || undefined,
          delayMs: t.delayMs,
          threadId: t.threadId ?? 0,
          internal: t.internal,
        });
      }
      // Node's async ids are per thread: qualify them so worker timers do not collide.
      const tk = `${t.threadId ?? 0}:${t.id}`;
      let id = this.timerIds.get(tk);
      if (id === undefined) {
        id = this.nextTimerId++;
        this.timerIds.set(tk, id);
        timers.push({
          id, siteId, kind: t.kind, delayMs: t.delayMs, threadId: t.threadId ?? 0,
          // An interval's age counts from its last re-arm: the best creation time a snapshot knows.
          createdMs: Math.min(nowMs, nowMs - t.ageMs), endMs: null, refed: t.refed,
        });
      }
      seen.set(tk, id);
    }
    const ended: { timerId: number; endMs: number }[] = [];
    for (const [tk, id] of this.alive) {
      if (!seen.has(tk)) {
        ended.push({ timerId: id, endMs: nowMs });
        this.timerIds.delete(tk);
      }
    }
    this.alive = seen;
    const counters: CounterSample[] = [{ tMs: nowMs, live: snap.timers.length }];
    return { sites, timers, ended, counters, nowMs };
  }
}
