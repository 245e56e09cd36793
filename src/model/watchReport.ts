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
    if (loc && f.site.file === loc.file && f.site.line === loc.line && (f.threadId ?? 0) === s.site.threadId) {
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
