/**
 * Pure: the Timers tree (process → site → timer) with counts and badges. The TreeDataProvider in
 * timersTree.ts only maps these nodes to TreeItems.
 */
import * as path from 'node:path';
import type { MarkKind } from '../editor/decorationPlan';
import { describeKind, formatCount, formatMs, lensText } from '../editor/lensText';
import type { SiteView } from '../editor/siteView';

export type TreeNode = {
  id: string;
  type: 'process' | 'site' | 'timer';
  label: string;
  description?: string;
  tooltip?: string;
  mark?: MarkKind;
  /** Where "reveal in editor" goes. */
  location?: { file: string; line: number; column: number };
  children: TreeNode[];
};

export type TreeProcess = {
  id: string;
  name: string;
  state: string;
  sites: SiteView[];
  findings: number;
  /** The target's working directory: site labels are relative to it. */
  cwd?: string;
  /** Marker kind per site key (from the decoration plan), for badges. */
  markOf?: (s: SiteView) => MarkKind | undefined;
};

function shortFile(file: string, cwd?: string): string {
  if (cwd && path.isAbsolute(file)) {
    const rel = path.relative(cwd, file);
    if (!rel.startsWith('..')) return rel;
  }
  return file;
}

/** A leaking site can hold thousands of timers: the tree lists the first ones and counts the rest. */
export const MAX_TIMER_ROWS = 100;

function moreRow(siteId: string, more: number, s: SiteView): TreeNode[] {
  if (more <= 0) return [];
  return [{ id: `${siteId}/more`, type: 'timer', label: `… ${formatCount(more)} more`, location: { file: s.file, line: s.line, column: s.column }, children: [] }];
}

/** Builds the tree; sites sorted by live count, internal sites only when `showInternal`. */
export function buildTree(processes: TreeProcess[], opts: { showInternal: boolean; cwd?: string }): TreeNode[] {
  return processes.map(p => {
    const sites = p.sites.filter(s => opts.showInternal || !s.internal).sort((a, b) => b.live - a.live || a.file.localeCompare(b.file) || a.line - b.line);
    const live = sites.reduce((n, s) => n + s.live, 0);
    return {
      id: p.id,
      type: 'process' as const,
      label: p.name,
      description: `${formatCount(live)} live timer${live === 1 ? '' : 's'}${p.findings ? ` · ${p.findings} finding${p.findings === 1 ? '' : 's'}` : ''} · ${p.state}`,
      tooltip: `${p.name}: ${sites.length} site${sites.length === 1 ? '' : 's'}`,
      children: sites.map((s, i) => {
        const id = `${p.id}/${s.threadId ?? 0}:${s.file}:${s.line}:${s.column}:${s.kind}:${i}`;
        const mark = p.markOf?.(s);
        return {
          id,
          type: 'site' as const,
          label: `${shortFile(s.file, p.cwd ?? opts.cwd)}:${s.line}`,
          // Snapshot lens texts end with the kind already; live ones do not.
          description: s.fired === undefined ? lensText(s) : `${describeKind(s)} · ${lensText(s)}`,
          tooltip: `${s.callbackName ? `callback ${s.callbackName}, ` : ''}${describeKind(s)} created at ${s.file}:${s.line}:${s.column}${s.threadId ? ` (thread ${s.threadId})` : ''}`,
          mark: mark ?? (s.refed === 0 ? 'unrefd' : 'healthy'),
          location: { file: s.file, line: s.line, column: s.column },
          children: (s.timers ?? []).slice(0, MAX_TIMER_ROWS).map((t): TreeNode => ({
            id: `${id}/${t.id}`,
            type: 'timer' as const,
            label: `#${t.id}`,
            description: [
              describeKind(t),
              t.refed ? "ref'd" : "unref'd",
              `armed ${formatMs(t.ageMs)} ago`,
              t.dueInMs !== undefined ? (t.dueInMs >= 0 ? `due in ${formatMs(t.dueInMs)}` : `overdue ${formatMs(-t.dueInMs)}`) : '',
            ]
              .filter(Boolean)
              .join(' · '),
            location: { file: s.file, line: s.line, column: s.column },
            children: [],
          })).concat(moreRow(id, (s.timers?.length ?? 0) - MAX_TIMER_ROWS, s)),
        };
      }),
    };
  });
}
