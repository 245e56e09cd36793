/** Pure: what changed between two snapshots, site by site (`timerscope diff A.json B.json`). */
import { SNAPSHOT_SCHEMA, type Snapshot, type SnapshotDiffEntry } from '../shared/snapshot';

const key = (s: { file: string; line: number; column: number; kind: string; threadId?: number }) =>
  `${s.threadId ?? 0}|${s.file}:${s.line}:${s.column}|${s.kind}`;

/** Checks that a parsed JSON document is a v1 snapshot, with a message naming what is wrong. */
export function checkSnapshot(doc: unknown, name: string): Snapshot {
  const d = doc as Partial<Snapshot> | null;
  if (!d || typeof d !== 'object' || d.schema !== SNAPSHOT_SCHEMA || !Array.isArray(d.sites)) {
    throw new Error(`${name} is not a ${SNAPSHOT_SCHEMA} document (write one with 'timerscope snapshot --json')`);
  }
  return d as Snapshot;
}

/** Sites that appeared, vanished, grew or shrank; biggest changes first. */
export function diffSnapshots(a: Snapshot, b: Snapshot): SnapshotDiffEntry[] {
  const before = new Map(a.sites.map(s => [key(s), s]));
  const after = new Map(b.sites.map(s => [key(s), s]));
  const out: SnapshotDiffEntry[] = [];
  for (const [k, s] of after) {
    const old = before.get(k);
    const n0 = old?.count ?? 0;
    if (n0 === s.count) continue;
    out.push({ change: n0 === 0 ? 'appeared' : s.count > n0 ? 'grew' : 'shrank', file: s.file, line: s.line, column: s.column, kind: s.kind, before: n0, after: s.count });
  }
  for (const [k, s] of before) {
    if (!after.has(k)) out.push({ change: 'vanished', file: s.file, line: s.line, column: s.column, kind: s.kind, before: s.count, after: 0 });
  }
  return out.sort((x, y) => Math.abs(y.after - y.before) - Math.abs(x.after - x.before));
}

export function formatDiff(entries: SnapshotDiffEntry[]): string {
  if (entries.length === 0) return 'No change in live timers between the two snapshots.';
  return entries
    .map(e => {
      const delta = e.after - e.before;
      return `${e.change.padEnd(8)} ${delta > 0 ? '+' : ''}${delta} (${e.before} → ${e.after}) ${e.kind} at ${e.file}:${e.line}:${e.column}`;
    })
    .join('\n');
}
