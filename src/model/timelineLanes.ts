import type { Finding, FindingRule } from '../shared/findings';
import type { TimerKind } from '../shared/snapshot';
import type { SiteTrack, TimelineStore } from './timelineStore';

/**
 * Lane layout of the timeline: which rows exist, in what order, how tall, after filtering. Pure so that the
 * webview, the test hook and node unit tests agree on the same geometry.
 */

export type LaneKind = 'loop' | 'gc' | 'counter' | 'site' | 'timer';

/** One horizontal row of the timeline. `y` is from the top of the lane area (before scrolling). */
export type Lane = {
  key: string;
  kind: LaneKind;
  label: string;
  y: number;
  height: number;
  threadId: number | null;
  siteId?: number;
  timerId?: number;
  /** For site lanes: whether its timers are shown as sub-lanes. */
  expanded?: boolean;
  /** Leak findings tint the lane red, SLO findings (late, long callback, overlap) orange. */
  highlight: 'leak' | 'slo' | null;
  findings: Finding[];
};

/** What the user narrowed the view to. `finding`: 'all' lanes, 'any' site with a finding, or one rule. */
export type LaneFilter = { text: string; threadId: number | null; finding: 'all' | 'any' | FindingRule };

export const EMPTY_FILTER: LaneFilter = { text: '', threadId: null, finding: 'all' };

/** Lane heights in CSS pixels. */
export const LANE_HEIGHTS: Record<LaneKind, number> = { loop: 26, gc: 14, counter: 36, site: 22, timer: 16 };

const LEAK_RULES: ReadonlySet<string> = new Set(['leak.growth', 'leak.outlived-request', 'keepalive', 'churn']);

/** `setInterval` for 'interval', …: how people know the call. */
export function kindCall(kind: TimerKind): string {
  return kind === 'interval' ? 'setInterval' : kind === 'immediate' ? 'setImmediate' : 'setTimeout';
}

function baseName(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i >= 0 ? file.slice(i + 1) : file;
}

/** Short human label of a call site lane, e.g. `poller.ts:12 setInterval 1000ms poll ×38` (where first: it is what people scan for). */
export function siteLabel(st: SiteTrack): string {
  const s = st.site;
  const where = s.location ? `${baseName(s.location.file)}:${s.location.line}` : '(unknown site)';
  const delay = s.kind === 'immediate' ? '' : ` ${s.delayMs}ms`;
  const fn = s.callbackName ? ` ${s.callbackName}` : '';
  return `${where} ${kindCall(s.kind)}${delay}${fn} ×${st.timers.length}`;
}

function findingsBySite(findings: readonly Finding[]): Map<string, Finding[]> {
  const map = new Map<string, Finding[]>();
  for (const f of findings) {
    const k = `${f.site.file}:${f.site.line}`;
    const list = map.get(k) ?? [];
    list.push(f);
    map.set(k, list);
  }
  return map;
}

function siteMatches(st: SiteTrack, found: Finding[], filter: LaneFilter): boolean {
  if (filter.threadId !== null && st.site.threadId !== filter.threadId) return false;
  if (filter.finding === 'any' && found.length === 0) return false;
  if (filter.finding !== 'all' && filter.finding !== 'any' && !found.some(f => f.rule === filter.finding)) {
    return false;
  }
  const text = filter.text.trim().toLowerCase();
  if (!text) return true;
  const hay = `${siteLabel(st)} ${st.site.location?.file ?? ''} ${st.site.callbackName ?? ''} ${st.site.kind}`;
  return hay.toLowerCase().includes(text);
}

/** Builds the lanes for `store` under `filter`, with the sites in `expanded` opened into timer lanes. */
export function buildLanes(
  store: TimelineStore,
  filter: LaneFilter = EMPTY_FILTER,
  expanded: ReadonlySet<number> = new Set(),
): Lane[] {
  const lanes: Lane[] = [];
  let y = 0;
  const push = (lane: Omit<Lane, 'y' | 'height'>): void => {
    const height = LANE_HEIGHTS[lane.kind];
    lanes.push({ ...lane, y, height });
    y += height;
  };
  const threads = store.threads
    .map(t => t.threadId)
    .filter(id => filter.threadId === null || id === filter.threadId)
    .sort((a, b) => a - b);
  if (threads.length === 0) threads.push(filter.threadId ?? 0);
  const multi = store.threads.length > 1;
  for (const id of threads) {
    const name = store.threads.find(t => t.threadId === id)?.name ?? (id === 0 ? 'main' : `worker ${id}`);
    push({ key: `loop:${id}`, kind: 'loop', label: multi ? `event loop (${name})` : 'event loop', threadId: id, highlight: null, findings: [] });
  }
  push({ key: 'gc', kind: 'gc', label: 'GC pauses', threadId: filter.threadId, highlight: null, findings: [] });
  push({ key: 'counter', kind: 'counter', label: 'live timers', threadId: filter.threadId, highlight: null, findings: [] });

  const bySite = findingsBySite(store.findings);
  const sites = [...store.sites.values()].sort(
    (a, b) =>
      a.site.threadId - b.site.threadId ||
      (a.site.location?.file ?? '').localeCompare(b.site.location?.file ?? '') ||
      (a.site.location?.line ?? 0) - (b.site.location?.line ?? 0) ||
      a.site.id - b.site.id,
  );
  for (const st of sites) {
    const found = (bySite.get(st.key) ?? []).filter(f => (f.threadId ?? 0) === st.site.threadId);
    if (!siteMatches(st, found, filter)) continue;
    const highlight = found.some(f => LEAK_RULES.has(f.rule)) ? 'leak' : found.length > 0 ? 'slo' : null;
    const open = expanded.has(st.site.id);
    push({
      key: `site:${st.site.id}`, kind: 'site', label: siteLabel(st), threadId: st.site.threadId,
      siteId: st.site.id, expanded: open, highlight, findings: found,
    });
    if (!open) continue;
    for (const tr of st.timers) {
      const t = tr.timer;
      const state = t.endMs === null ? 'live' : `ended ${t.endMs.toFixed(0)}ms`;
      push({
        key: `timer:${t.id}`, kind: 'timer', label: `#${t.id} created ${t.createdMs.toFixed(0)}ms · ${state}`,
        threadId: t.threadId, siteId: st.site.id, timerId: t.id, highlight: null, findings: [],
      });
    }
  }
  return lanes;
}

/** Total height of `lanes` in CSS pixels. */
export function lanesHeight(lanes: readonly Lane[]): number {
  const last = lanes[lanes.length - 1];
  return last ? last.y + last.height : 0;
}

/** Index of the lane containing content-y `y` (binary search), or -1. */
export function laneAt(lanes: readonly Lane[], y: number): number {
  let lo = 0;
  let hi = lanes.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const l = lanes[mid]!;
    if (y < l.y) hi = mid - 1;
    else if (y >= l.y + l.height) lo = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * The call site at `file:line`, else the nearest site in that file (code lenses and the store may disagree by
 * a line when a call spans several). Paths compare exactly, then by suffix (URLs vs file paths).
 */
export function findSite(store: TimelineStore, file: string, line: number): number | undefined {
  const norm = (f: string): string => f.replace(/^file:\/\//, '').replace(/\\/g, '/');
  const want = norm(file);
  let best: { id: number; dist: number } | undefined;
  for (const st of store.sites.values()) {
    const loc = st.site.location;
    if (!loc) continue;
    const have = norm(loc.file);
    if (have !== want && !have.endsWith(want) && !want.endsWith(have)) continue;
    const dist = Math.abs(loc.line - line);
    if (!best || dist < best.dist) best = { id: st.site.id, dist };
  }
  return best?.id;
}
