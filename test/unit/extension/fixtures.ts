/** Snapshots built in memory for the extension's pure tests (shape of timerscope.snapshot/v1). */
import { SNAPSHOT_SCHEMA, type Snapshot, type SnapshotTimer } from '../../../src/shared/snapshot';

/** A snapshot of `timers`, their sites grouped by location and kind, as the engine reports them. */
export function snapshotOf(timers: SnapshotTimer[], takenAt = '2026-12-04T05:00:00.000Z'): Snapshot {
  const bySite = new Map<string, SnapshotTimer[]>();
  for (const t of timers) {
    const k = `${t.location?.file}:${t.location?.line}:${t.location?.column}:${t.kind}`;
    bySite.set(k, [...(bySite.get(k) ?? []), t]);
  }
  return {
    schema: SNAPSHOT_SCHEMA, takenAt, method: 'timer-lists',
    process: { pid: 42, nodeVersion: '20.0.0', argv: ['node', '/w/app.js'], uptimeMs: 5000, cwd: '/w' },
    timers, handles: [], keepAliveReasons: [],
    sites: [...bySite.values()].map(ts => ({
      file: ts[0].location!.file, line: ts[0].location!.line, column: ts[0].location!.column, kind: ts[0].kind,
      count: ts.length, refed: ts.filter(t => t.refed).length, delayMs: ts[0].delayMs, callbackName: ts[0].callback?.name,
    })),
  };
}
