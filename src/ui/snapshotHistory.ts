/**
 * Pure: the snapshots taken from the palette, per attached process, and their file names in the
 * workspace storage. "Compare with Previous" compares the newest snapshot with the one before it of the
 * same process.
 */
import type { Snapshot } from '../shared/snapshot';

export type SavedSnapshot = {
  /** The ProcessSession id it was taken from. */
  sessionId: string;
  processName: string;
  snapshot: Snapshot;
  /** Absolute path of the saved JSON. */
  file?: string;
  /** 1-based number, for report titles. */
  seq: number;
};

/** `server.js (pid 42)` at 2026-12-04T05:01:02.345Z → `server.js-pid-42-2026-12-04T05-01-02-345Z.timerscope-snapshot.json`. */
export function snapshotFileName(processName: string, takenAt: string): string {
  const safe = (t: string) => t.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe(processName) || 'process'}-${safe(takenAt)}.timerscope-snapshot.json`;
}

export class SnapshotHistory {
  private readonly all: SavedSnapshot[] = [];
  private seq = 0;

  constructor(private readonly max = 50) {}

  add(entry: Omit<SavedSnapshot, 'seq'>): SavedSnapshot {
    const saved = { ...entry, seq: ++this.seq };
    this.all.push(saved);
    // Keep memory bounded; files on disk stay.
    if (this.all.length > this.max) this.all.splice(0, this.all.length - this.max);
    return saved;
  }

  get size(): number {
    return this.all.length;
  }

  /** The newest snapshot, of `sessionId` when given. */
  latest(sessionId?: string): SavedSnapshot | undefined {
    for (let i = this.all.length - 1; i >= 0; i--) if (!sessionId || this.all[i].sessionId === sessionId) return this.all[i];
    return undefined;
  }

  /** The newest snapshot and the one before it of the same process, or undefined with fewer than two. */
  lastPair(sessionId?: string): [SavedSnapshot, SavedSnapshot] | undefined {
    const newest = this.latest(sessionId);
    if (!newest) return undefined;
    for (let i = this.all.indexOf(newest) - 1; i >= 0; i--) if (this.all[i].sessionId === newest.sessionId) return [this.all[i], newest];
    return undefined;
  }
}
