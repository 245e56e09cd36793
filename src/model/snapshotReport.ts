/**
 * Pure: the human snapshot report, grouped by site, most suspicious first, in the style of a goroutine dump:
 *   interval 1000 ms ×38 [ref'd, keeps process alive] — src/poller.ts:12:5 (callback poll)
 */
import type { Snapshot, SnapshotSite } from '../shared/snapshot';

function formatMs(ms: number): string {
  return `${ms} ms`;
}

function badges(s: SnapshotSite): string {
  const b: string[] = [];
  if (s.refed === s.count) b.push("ref'd");
  else if (s.refed === 0) b.push("unref'd");
  else b.push(`${s.refed} ref'd, ${s.count - s.refed} unref'd`);
  if (s.refed > 0) b.push('keeps process alive');
  if (s.internal) b.push(s.file.startsWith('node:') || !s.file.includes('/') ? 'node internal' : 'dependency');
  return `[${b.join(', ')}]`;
}

/** One line per site. */
export function formatSite(s: SnapshotSite): string {
  const what = s.kind === 'immediate' ? 'immediate' : `${s.kind} ${formatMs(s.delayMs)}`;
  const where = s.line ? `${s.file}:${s.line}:${s.column}` : s.file;
  const cb = s.callbackName ? ` (callback ${s.callbackName})` : '';
  const thread = s.threadId ? ` {thread ${s.threadId}}` : '';
  return `${what} ×${s.count} ${badges(s)} — ${where}${cb}${thread}`;
}

export function formatSnapshot(snap: Snapshot): string {
  const p = snap.process;
  const lines: string[] = [];
  lines.push(
    `Timerscope snapshot of pid ${p.pid} (node ${p.nodeVersion}, up ${(p.uptimeMs / 1000).toFixed(1)} s): ` +
      `${snap.timers.length} timer${snap.timers.length === 1 ? '' : 's'} at ${snap.sites.length} site${snap.sites.length === 1 ? '' : 's'}, ` +
      `${snap.handles.length} other handle${snap.handles.length === 1 ? '' : 's'}`,
  );
  for (const w of snap.warnings ?? []) lines.push(`warning: ${w}`);
  lines.push('');
  if (snap.keepAliveReasons.length === 0) {
    lines.push('Nothing keeps the process alive: it will exit when its current work is done.');
  } else {
    lines.push('Keeping the process alive:');
    for (const r of snap.keepAliveReasons) {
      const loc = r.what === 'handle' && r.location ? ` (${r.location.file}:${r.location.line})` : '';
      lines.push(`  ${r.description}${loc}`);
    }
  }
  lines.push('');
  lines.push(snap.sites.length ? 'Timers by site, most suspicious first:' : 'No live timers.');
  for (const s of snap.sites) lines.push(`  ${formatSite(s)}`);
  if (snap.handles.length) {
    lines.push('');
    lines.push('Other active handles:');
    for (const h of snap.handles) {
      const loc = h.location ? ` — ${h.location.file}:${h.location.line}` : '';
      lines.push(`  ${h.type} [${h.refed ? (h.keepsAlive ? "ref'd, keeps process alive" : "ref'd") : "unref'd"}]${h.detail ? ' ' + h.detail : ''}${loc}`);
    }
  }
  return lines.join('\n');
}
