import type { CounterSample } from '../src/shared/recording';
import type { FindingRule } from '../src/shared/findings';
import {
  DEFAULT_TIMELINE_SLO, type FromWebviewMessage, type TimelineConfig, type ToWebviewMessage,
} from '../src/shared/webviewProtocol';
import { EMPTY_FILTER, buildLanes, findSite, lanesHeight, type Lane, type LaneFilter } from '../src/model/timelineLanes';
import { rangeStats } from '../src/model/timelineStats';
import { TimelineStore } from '../src/model/timelineStore';
import { rangeSummary } from '../src/model/timelineTooltip';
import type { Host } from './bridge';
import type { Chrome } from './chrome';
import { drawFrame } from './drawFrame';
import { readTheme, type Theme } from './theme';
import { Viewport } from './viewport';

/** What survives hide/show (VS Code webview state) and page reloads (standalone session storage). */
type SavedState = {
  /** Which session the view belongs to (label + t0): a different session starts with a fresh view. */
  session?: string;
  startMs: number; endMs: number; scrollY: number; follow: boolean; filter: LaneFilter; expanded: number[];
  selection: { startMs: number; endMs: number } | null;
};

/** Default span shown when following a live session. */
const LIVE_SPAN_MS = 10_000;

/**
 * The timeline's state and render loop. Messages from the host mutate the store; anything that changes what
 * is shown calls {@link invalidate}, and one requestAnimationFrame paints the canvas.
 */
export class TimelineApp {
  readonly store = new TimelineStore();
  readonly vp = new Viewport();
  config: TimelineConfig = { windowMs: null, slo: DEFAULT_TIMELINE_SLO };
  live = false;
  follow = false;
  /** Time the view is frozen at, or null. */
  pausedAt: number | null = null;
  filter: LaneFilter = { ...EMPTY_FILTER };
  expanded = new Set<number>();
  lanes: Lane[] = [];
  counters = new Map<number, CounterSample[]>();
  selection: { startMs: number; endMs: number } | null = null;
  hoverLane = -1;
  hydrated = false;
  /** `frames` when the last hydrate arrived: lanes are rebuilt at the next frame, not at the message. */
  framesAtHydrate = 0;
  /** Why the live session ended (shown in the status line), or ''. */
  ended = '';
  frames = 0;
  /** Draw time of recent frames, ms (the benchmark reads these). */
  readonly frameTimes: number[] = [];
  /** Recent webview → host messages (the test hook reads these). */
  readonly posted: FromWebviewMessage[] = [];
  private theme: Theme;
  private ctx: CanvasRenderingContext2D;
  private pending = 0;
  private laneKey = '';
  private counterVersion = -1;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Session of the current view (see SavedState.session). */
  private sessionKey = '';

  constructor(readonly host: Host, readonly chrome: Chrome) {
    this.ctx = chrome.canvas.getContext('2d', { alpha: false })!;
    this.theme = readTheme();
    const saved = host.getState() as SavedState | undefined;
    if (saved && typeof saved.startMs === 'number') {
      this.sessionKey = saved.session ?? '';
      this.vp.set(saved.startMs, saved.endMs);
      this.vp.scrollY = saved.scrollY;
      this.follow = saved.follow;
      this.filter = { ...EMPTY_FILTER, ...saved.filter };
      this.expanded = new Set(saved.expanded);
      this.selection = saved.selection;
      chrome.setFilterText(this.filter.text);
    }
    // VS Code switches theme by changing body classes; canvas colours must be re-read then.
    new MutationObserver(() => {
      this.theme = readTheme();
      this.invalidate();
    }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
    new ResizeObserver(() => this.resize()).observe(chrome.plot);
    this.resize();
  }

  /** Handles a host → webview message. */
  onMessage(m: ToWebviewMessage): void {
    switch (m.type) {
      case 'hydrate': {
        // The same session hydrates again after hide/show or a settings change: keep what the user was looking at.
        const key = `${m.label ?? ''}|${m.recording.t0}`;
        const restoring = key === this.sessionKey;
        this.sessionKey = key;
        this.config = m.config;
        this.store.options.windowMs = m.config.windowMs;
        this.store.load(m.recording);
        this.live = m.live;
        this.hydrated = true;
        this.framesAtHydrate = this.frames;
        this.pausedAt = null;
        this.ended = '';
        if (!restoring) {
          this.follow = m.live;
          if (m.live) this.vp.set(this.store.nowMs - LIVE_SPAN_MS, this.store.nowMs);
          else this.fit();
        }
        this.structureChanged();
        break;
      }
      case 'delta':
        this.store.apply(m.delta);
        break;
      case 'focusSite':
        this.focusSite(m.location.file, m.location.line);
        break;
      case 'sessionEnded':
        this.live = false;
        this.follow = false;
        this.ended = m.reason;
        break;
    }
    this.invalidate();
  }

  post(m: FromWebviewMessage): void {
    this.posted.push(m);
    if (this.posted.length > 100) this.posted.shift();
    this.host.post(m);
  }

  /** Lane key flashed after a focusSite, until `flashUntil` (performance.now ms). */
  flashKey = '';
  flashUntil = 0;

  /** Expands the site at file:line, scrolls it into view and flashes it; widens filters that hide it. */
  focusSite(file: string, line: number): void {
    const siteId = findSite(this.store, file, line);
    if (siteId === undefined) {
      this.chrome.setStatus(`no timers recorded at ${file}:${line} yet`);
      return;
    }
    this.expanded.add(siteId);
    this.refreshLanes();
    if (!this.lanes.some(l => l.siteId === siteId)) {
      this.filter = { ...EMPTY_FILTER };
      this.chrome.setFilterText('');
      this.refreshLanes();
    }
    const lane = this.lanes.find(l => l.kind === 'site' && l.siteId === siteId);
    if (lane) this.vp.scrollY = Math.max(0, lane.y - 40);
    this.flashKey = `site:${siteId}`;
    this.flashUntil = performance.now() + 1500;
    setTimeout(() => this.invalidate(), 1600);
    this.invalidate();
  }

  /** Shows everything the store holds. */
  fit(): void {
    const lo = this.store.horizonMs;
    const hi = Math.max(lo + 1, this.store.nowMs);
    const pad = (hi - lo) * 0.01;
    this.vp.set(lo - pad, hi + pad);
    this.follow = false;
    this.invalidate();
  }

  setFilter(f: Partial<LaneFilter>): void {
    this.filter = { ...this.filter, ...f };
    this.invalidate();
  }

  toggleExpand(siteId: number, open = !this.expanded.has(siteId)): void {
    if (open) this.expanded.add(siteId);
    else this.expanded.delete(siteId);
    this.invalidate();
  }

  setSelection(sel: { startMs: number; endMs: number } | null): void {
    this.selection = sel && Math.abs(sel.endMs - sel.startMs) > 0 ? sel : null;
    if (this.selection) {
      const s = rangeStats(this.store, this.selection.startMs, this.selection.endMs, this.config.slo, this.filter.threadId);
      this.chrome.setSelection(rangeSummary(this.store, s));
    } else this.chrome.setSelection(null);
    this.invalidate();
  }

  /** The newest time, or the freeze point while paused. */
  nowMs(): number {
    return this.pausedAt ?? this.store.nowMs;
  }

  /** Largest span worth zooming out to. */
  maxSpanMs(): number {
    return Math.max(1000, (this.store.nowMs - this.store.horizonMs) * 1.5);
  }

  /** Schedules one repaint. */
  invalidate(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.render();
    });
  }

  /** Rebuilds lanes if anything they depend on changed. */
  refreshLanes(): void {
    const key = `${this.store.structureVersion}|${JSON.stringify(this.filter)}|${[...this.expanded].join(',')}`;
    if (key === this.laneKey) return;
    this.laneKey = key;
    this.lanes = buildLanes(this.store, this.filter, this.expanded);
    const rules = [...new Set(this.store.findings.map(f => f.rule))].sort() as FindingRule[];
    this.chrome.setThreads(this.store.threads, this.filter.threadId);
    this.chrome.setRules(rules, this.filter.finding);
  }

  /** Paints now (the render loop and the test hook call this). */
  render(): void {
    const t0 = performance.now();
    this.refreshLanes();
    if (this.store.version !== this.counterVersion) {
      this.counterVersion = this.store.version;
      this.counters.clear();
      for (const c of this.store.counters) {
        const th = c.threadId ?? 0;
        if (this.filter.threadId !== null && th !== this.filter.threadId) continue;
        const list = this.counters.get(th) ?? [];
        list.push(c);
        this.counters.set(th, list);
      }
    }
    if (this.follow && this.live && this.pausedAt === null) {
      const span = this.vp.spanMs;
      const now = this.store.nowMs;
      this.vp.set(now - span * 0.97, now + span * 0.03);
    }
    this.vp.clampScroll(lanesHeight(this.lanes));
    const dpr = window.devicePixelRatio || 1;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const inView = drawFrame(
      { ctx: this.ctx, vp: this.vp, theme: this.theme, slo: this.config.slo, clipMs: this.nowMs(), maxDurationMs: this.store.maxDurationMs },
      {
        store: this.store, lanes: this.lanes, counters: this.counters, selection: this.selection,
        hoverLane: this.hoverLane, nowMs: this.live ? this.nowMs() : null,
        flashKey: performance.now() < this.flashUntil ? this.flashKey : '',
      },
    );
    this.frames++;
    this.frameTimes.push(performance.now() - t0);
    if (this.frameTimes.length > 2000) this.frameTimes.splice(0, 1000);
    this.chrome.setModes(this.live, this.follow, this.pausedAt !== null);
    const w = this.config.windowMs;
    this.chrome.setStatus(
      `${this.store.fireCount()} fires (${inView} in view) · ${this.store.timers.size} timers · ${this.store.sites.size} sites · ` +
        `${this.lanes.length} lanes${w === null ? '' : ` · window ${(w / 1000).toFixed(0)} s`}` +
        (this.store.dropped ? ` · ${this.store.dropped} events dropped by the agent` : '') +
        (this.ended ? ` · session ended: ${this.ended}` : ''),
    );
    this.scheduleSave();
  }

  private resize(): void {
    const r = this.chrome.plot.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.vp.width = Math.max(300, Math.floor(r.width));
    this.vp.height = Math.max(100, Math.floor(r.height));
    this.chrome.canvas.width = Math.floor(this.vp.width * dpr);
    this.chrome.canvas.height = Math.floor(this.vp.height * dpr);
    this.chrome.canvas.style.width = `${this.vp.width}px`;
    this.chrome.canvas.style.height = `${this.vp.height}px`;
    this.invalidate();
  }

  private structureChanged(): void {
    this.laneKey = '';
    this.counterVersion = -1;
    if (this.selection) this.setSelection(this.selection);
  }

  private scheduleSave(): void {
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      const s: SavedState = {
        session: this.sessionKey, startMs: this.vp.startMs, endMs: this.vp.endMs, scrollY: this.vp.scrollY, follow: this.follow,
        filter: this.filter, expanded: [...this.expanded], selection: this.selection,
      };
      this.host.setState(s);
    }, 250);
  }
}
