/** Builds the `timerscope.watch/v1` report and the recording from the live model. */
import { WATCH_SCHEMA, type Finding, type WatchReport, type WatchSite } from '../shared/findings';
import { RECORDING_SCHEMA, type Recording } from '../shared/recording';
import type { LiveModel, SiteState } from './liveModel';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 } as const;

export function watchSite(s: SiteState): WatchSite {
  const loc = s.site.location;
  return {
    file: loc?.file ?? '<unknown>',
    line: loc?.line ?? 0,
    column: loc?.column ?? 0,
    kind: s.site.kind,
    ...(s.site.callbackName ? { callbackName: s.site.callbackName } : {}),
    delayMs: s.site.delayMs,
    ...(s.site.threadId ? { threadId: s.site.threadId } : {}),
    ...(s.site.internal ? { internal: true } : {}),
    live: s.live,
    created: s.created,
    cleared: s.cleared,
    fired: s.fired,
    refreshed: s.refreshed,
    latenessMs: s.lateness.percentiles(),
    callbackMs: s.duration.percentiles(),
    driftMs: s.driftMs,
    overlaps: s.overlaps,
    liveHistory: s.history.slice(-60).map(h => h.live),
  };
}

function severityOf(s: SiteState, findings: Finding[]): number {
  let best = 3;
  const loc = s.site.location;
  for (const f of findings) {
    if (loc && f.site.file === loc.file && f.site.line === loc.line && f.site.column === loc.column && (f.threadId ?? 0) === s.site.threadId) {
      best = Math.min(best, SEVERITY_RANK[f.severity]);
    }
  }
  return best;
}

/** Sites sorted by severity of their findings, then by live count. */
export function sortedSites(model: LiveModel, findings: Finding[]): SiteState[] {
  return model.sites
    .map(s => ({ s, sev: severityOf(s, findings) }))
    .sort((a, b) => a.sev - b.sev || b.s.live - a.s.live || b.s.fired - a.s.fired)
    .map(x => x.s);
}

export function buildWatchReport(
  model: LiveModel,
  findings: Finding[],
  proc: WatchReport['process'],
  durationMs: number,
): WatchReport {
  return {
    schema: WATCH_SCHEMA,
    ...(proc ? { process: proc } : {}),
    durationMs: Math.round(durationMs),
    sites: sortedSites(model, findings).map(watchSite),
    findings,
    eventLoopDelayMs: model.loop,
    gcPauseMs: model.gc,
    dropped: model.dropped + model.buffer.dropped,
    ...(model.unsampled > 0 ? { unsampled: model.unsampled } : {}),
    threads: [...model.threads.values()].map(t => ({ threadId: t.threadId, url: t.name })),
  };
}

export function buildRecording(model: LiveModel, findings: Finding[], proc: Recording['process'], durationMs: number): Recording {
  const b = model.buffer;
  return {
    schema: RECORDING_SCHEMA,
    process: proc,
    t0: model.t0,
    durationMs: Math.round(durationMs),
    threads: b.threads,
    sites: b.sites,
    timers: b.timers,
    fires: b.fires,
    marks: b.marks,
    gc: b.gc,
    counters: b.counters,
    loopDelay: b.loopDelay,
    findings,
    dropped: model.dropped + b.dropped,
  };
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** A one-line trend of a series (min..max mapped onto eight block heights). */
export function sparkline(values: number[], width = 20): string {
  const v = values.slice(-width);
  if (v.length === 0) return '';
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  return v.map(x => SPARKS[hi === lo ? (hi > 0 ? 3 : 0) : Math.round(((x - lo) / (hi - lo)) * (SPARKS.length - 1))]).join('');
}

/** `file:line:column`, relative to `cwd` when inside it. */
export function siteLabel(file: string, line: number, column: number, cwd?: string): string {
  let f = file;
  if (cwd && f.startsWith(cwd.endsWith('/') ? cwd : cwd + '/')) f = f.slice(cwd.length + (cwd.endsWith('/') ? 0 : 1));
  return `${f}:${line}:${column}`;
}

const ms = (n: number) => (n >= 100 ? Math.round(n).toString() : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const SEV_MARK = { error: 'ERR ', warning: 'WARN', info: 'info' } as const;

/** The `timerscope watch` terminal table: sites by severity, live-count trend, p99 lateness and callback time. */
export function formatWatchTable(r: WatchReport, opts: { cwd?: string; maxSites?: number; width?: number } = {}): string {
  const width = opts.width ?? 120;
  const lines: string[] = [];
  const p = r.process;
  lines.push(
    `timerscope watch · pid ${p?.pid ?? '?'} · node ${p?.nodeVersion ?? '?'} · ${Math.round((r.durationMs ?? 0) / 1000)} s · ` +
      `loop delay p99 ${ms(r.eventLoopDelayMs.p99)} ms (max ${ms(r.eventLoopDelayMs.max)}) · GC ${r.gcPauseMs.count} (max ${ms(r.gcPauseMs.max)} ms)` +
      (r.dropped ? ` · ${r.dropped} dropped` : '') +
      ((r.threads?.length ?? 1) > 1 ? ` · ${r.threads!.length} threads` : ''),
  );
  lines.push('');
  const head = ['sev ', 'site'.padEnd(40), 'kind    ', '   live', 'trend'.padEnd(20), 'created', '  fired', ' late p99', '   cb p99'];
  lines.push(head.join(' '));
  const worst = new Map<string, WatchReport['findings'][number]>();
  for (const f of r.findings) {
    const k = `${f.threadId ?? 0}|${f.site.file}|${f.site.line}|${f.site.column}`;
    if (!worst.has(k)) worst.set(k, f);
  }
  for (const s of r.sites.filter(x => !x.internal).slice(0, opts.maxSites ?? 30)) {
    const f = worst.get(`${s.threadId ?? 0}|${s.file}|${s.line}|${s.column}`);
    const where = (s.threadId ? `[t${s.threadId}] ` : '') + siteLabel(s.file, s.line, s.column, opts.cwd);
    lines.push(
      [
        f ? SEV_MARK[f.severity] : '    ',
        (where.length > 40 ? '…' + where.slice(-39) : where).padEnd(40),
        `${s.kind} ${s.delayMs ?? ''}`.slice(0, 8).padEnd(8),
        String(s.live).padStart(7),
        sparkline(s.liveHistory ?? []).padEnd(20),
        String(s.created).padStart(7),
        String(s.fired).padStart(7),
        ms(s.latenessMs.p99).padStart(9),
        ms(s.callbackMs.p99).padStart(9),
      ].join(' '),
    );
  }
  if (r.findings.length) {
    lines.push('', 'findings:');
    for (const f of r.findings) {
      const line = `  ${SEV_MARK[f.severity]} ${f.rule.padEnd(21)} ${(f.threadId ? `[t${f.threadId}] ` : '') + siteLabel(f.site.file, f.site.line, f.site.column, opts.cwd)}  ${f.message}`;
      lines.push(line.length > width ? line.slice(0, width - 1) + '…' : line);
    }
  } else lines.push('', 'no findings so far');
  return lines.join('\n');
}

/** One plain line per finding, for logs and non-TTY output. */
export function formatFindingLine(f: WatchReport['findings'][number], atMs: number, cwd?: string): string {
  return `[+${(atMs / 1000).toFixed(1)}s] ${f.severity} ${f.rule} ${(f.threadId ? `[thread ${f.threadId}] ` : '') + siteLabel(f.site.file, f.site.line, f.site.column, cwd)}: ${f.message}`;
}
