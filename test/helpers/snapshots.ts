/** Assertion helpers over timerscope.snapshot/v1 documents. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Snapshot, SnapshotSite, SnapshotTimer, TimerKind } from '../../src/shared/snapshot';
import { casesDir } from './targets';

/** Sites at file (path suffix) and line, optionally of one kind. */
export function sitesAt(snap: Snapshot, file: string, line: number, kind?: TimerKind): SnapshotSite[] {
  return snap.sites.filter(s => (s.file === file || s.file.endsWith('/' + file)) && s.line === line && (!kind || s.kind === kind));
}

export function countAt(snap: Snapshot, file: string, line: number, kind?: TimerKind): number {
  return sitesAt(snap, file, line, kind).reduce((n, s) => n + s.count, 0);
}

export function timersAt(snap: Snapshot, file: string, line: number): SnapshotTimer[] {
  return snap.timers.filter(t => t.location && (t.location.file === file || t.location.file.endsWith('/' + file)) && t.location.line === line);
}

export function loadExpected<T = any>(caseName: string): T {
  return JSON.parse(readFileSync(path.join(casesDir(), caseName, 'expected.json'), 'utf8')) as T;
}

/** Readable dump for assertion messages. */
export function describeSites(snap: Snapshot): string {
  return snap.sites.map(s => `${s.kind} ${s.delayMs}ms ×${s.count} (${s.refed} ref'd) ${s.file}:${s.line}:${s.column}`).join('\n');
}
