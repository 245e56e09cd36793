import type { Finding } from '../shared/findings';
import type { CounterSample, RecordedFire, RecordedGc } from '../shared/recording';
import type { TimelineSlo } from '../shared/webviewProtocol';
import type { RangeStats } from './timelineStats';
import { kindCall, siteLabel, type Lane } from './timelineLanes';
import type { TimelineStore } from './timelineStore';

/**
 * Text of the timeline's tooltips and selection panel. Pure (no DOM) so node tests pin the wording the
 * browser tests then look for.
 */

/** Time with fixed precision: numbers in tooltips are compared by people, so keep 0.1 ms everywhere. */
export function ms(v: number): string {
  return `${v.toFixed(1)} ms`;
}

function where(store: TimelineStore, siteId: number | undefined): string {
  const loc = siteId === undefined ? null : store.sites.get(siteId)?.site.location;
  return loc ? `${loc.file}:${loc.line}:${loc.column}` : '(unknown location)';
}

/** Tooltip for one fire. */
export function fireTooltip(store: TimelineStore, f: RecordedFire, slo: TimelineSlo): string[] {
  const tr = store.timers.get(f.timerId);
  const st = tr ? store.sites.get(tr.timer.siteId) : undefined;
  const late = f.startMs - f.scheduledMs;
  const lines = [
    st ? siteLabel(st) : `timer #${f.timerId}`,
    `${tr ? kindCall(tr.timer.kind) : 'timer'} #${f.timerId} · fired at ${ms(f.startMs)}`,
    `scheduled ${ms(f.scheduledMs)} · late ${ms(Math.max(0, late))}`,
    `callback ${ms(f.durationMs)}`,
    where(store, st?.site.id),
  ];
  if (late > slo.latenessMs) lines.push(`⚠ SLO breach: late > ${ms(slo.latenessMs)}`);
  if (f.durationMs > slo.callbackMs) lines.push(`⚠ SLO breach: callback > ${ms(slo.callbackMs)}`);
  return lines;
}

/** Tooltip for a GC pause. */
export function gcTooltip(g: RecordedGc): string[] {
  return [`GC pause ${ms(g.durationMs)}`, `at ${ms(g.startMs)}`];
}

/** Tooltip for the live-timer counter at a time. */
export function counterTooltip(s: CounterSample): string[] {
  return [`${s.live} live timers`, `at ${ms(s.tMs)}${s.threadId ? ` (thread ${s.threadId})` : ''}`];
}

/** Tooltip for a lane's label: its full label, location and findings. */
export function laneTooltip(store: TimelineStore, lane: Lane): string[] {
  const lines = [lane.label];
  if (lane.siteId !== undefined) lines.push(where(store, lane.siteId));
  if (lane.kind === 'site') lines.push(lane.expanded ? 'click ▾ to collapse' : 'click ▸ to show one lane per timer');
  for (const f of lane.findings) lines.push(`${severityIcon(f)} ${f.rule}: ${f.message}`);
  return lines;
}

function severityIcon(f: Finding): string {
  // Plain symbols: emoji fonts are often missing in webviews and headless browsers.
  return f.severity === 'error' ? '✖' : f.severity === 'warning' ? '⚠' : '•';
}

/** One-paragraph summary of a selected range. */
export function rangeSummary(store: TimelineStore, s: RangeStats): string[] {
  const top = s.topSites
    .map(t => {
      const st = store.sites.get(t.siteId);
      return `${st ? siteLabel(st) : 'unknown'}: ${t.fires} fires, ${ms(t.busyMs)}`;
    })
    .join('; ');
  return [
    `selection ${ms(s.startMs)} – ${ms(s.endMs)} (${ms(s.endMs - s.startMs)})`,
    `${s.fires} fires · busy ${ms(s.busyMs)} (${s.busyPct.toFixed(1)}%) · SLO breaches ${s.sloBreaches}`,
    `late p50 ${ms(s.latenessMs.p50)} p99 ${ms(s.latenessMs.p99)} max ${ms(s.latenessMs.max)}`,
    `callback p50 ${ms(s.callbackMs.p50)} p99 ${ms(s.callbackMs.p99)} max ${ms(s.callbackMs.max)}`,
    `GC ${s.gc.count} pauses, ${ms(s.gc.totalMs)} total, max ${ms(s.gc.maxMs)} · created ${s.created} · cleared ${s.cleared}` +
      (s.liveAtEnd === null ? '' : ` · live at end ${s.liveAtEnd}`) +
      (s.loopDelayP99Ms === null ? '' : ` · loop delay p99 ≤ ${ms(s.loopDelayP99Ms)}`),
    ...(top ? [`top: ${top}`] : []),
  ];
}
