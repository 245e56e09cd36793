import type { LaneFilter } from '../src/model/timelineLanes';
import type { TimelineApp } from './app';
import { togglePause } from './input';
import { LABEL_WIDTH } from './viewport';

/**
 * `window.__timerscopeTest`: geometry and state for browser tests and the benchmark. All coordinates are page
 * CSS pixels, so a test can move the real mouse there. Read-only except for the view setters, which do what
 * the user's gestures do.
 */
export function installTestHook(app: TimelineApp): void {
  const rect = (): DOMRect => app.chrome.canvas.getBoundingClientRect();
  const hook = {
    /** Hydrated and drawn since (a frame from before the hydrate still shows the empty lanes). */
    ready: (): boolean => app.hydrated && app.frames > app.framesAtHydrate,
    /** Paints synchronously (tests call it before reading pixels). */
    render: (): void => app.render(),
    lanes: () => {
      const r = rect();
      return app.lanes.map(l => ({
        key: l.key, kind: l.kind, label: l.label, siteId: l.siteId, timerId: l.timerId, highlight: l.highlight,
        expanded: l.expanded, top: r.top + app.vp.laneTop(l.y), height: l.height,
      }));
    },
    /** Geometry of fire `index` of timer `timerId` in the lane that shows it (its own lane when expanded). */
    slice: (timerId: number, index: number) => {
      const tr = app.store.timers.get(timerId);
      const f = tr?.fires[index];
      if (!tr || !f) return null;
      const lane = app.lanes.find(l => l.timerId === timerId) ?? app.lanes.find(l => l.kind === 'site' && l.siteId === tr.timer.siteId);
      if (!lane) return null;
      const r = rect();
      const x = app.vp.toX(f.startMs);
      return {
        laneKey: lane.key, x: r.left + x, w: f.durationMs * app.vp.scale, y: r.top + app.vp.laneTop(lane.y), h: lane.height,
        scheduledX: r.left + app.vp.toX(f.scheduledMs), fire: f,
      };
    },
    viewport: () => ({
      startMs: app.vp.startMs, endMs: app.vp.endMs, plotLeft: rect().left + LABEL_WIDTH, plotWidth: app.vp.plotWidth,
      scrollY: app.vp.scrollY, follow: app.follow, paused: app.pausedAt !== null, live: app.live,
    }),
    /** Sets the visible range; `sync` paints now, otherwise on the next animation frame (the benchmark). */
    setViewport: (startMs: number, endMs: number, sync = true): void => {
      app.follow = false;
      app.vp.set(startMs, endMs);
      if (sync) app.render();
      else app.invalidate();
    },
    setScroll: (y: number): void => {
      app.vp.scrollY = y;
      app.render();
    },
    expand: (siteId: number, open = true): void => {
      app.toggleExpand(siteId, open);
      app.render();
    },
    setFilter: (f: Partial<LaneFilter>): void => {
      app.setFilter(f);
      app.render();
    },
    setSelection: (startMs: number, endMs: number): void => app.setSelection({ startMs, endMs }),
    togglePause: (): void => togglePause(app),
    posted: () => app.posted.slice(),
    frames: (): number => app.frames,
    frameTimes: (): number[] => app.frameTimes.slice(),
    resetFrameTimes: (): void => void (app.frameTimes.length = 0),
    /** Approximate JS heap in use (Chromium only), bytes. */
    heapBytes: (): number => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
    counts: () => ({ fires: app.store.fireCount(), timers: app.store.timers.size, sites: app.store.sites.size, lanes: app.lanes.length, nowMs: app.store.nowMs, horizonMs: app.store.horizonMs }),
    /** RGB of the canvas at page point (x, y). */
    pixel: (x: number, y: number): [number, number, number] => {
      const r = rect();
      const dpr = window.devicePixelRatio || 1;
      const ctx = app.chrome.canvas.getContext('2d')!;
      const d = ctx.getImageData(Math.floor((x - r.left) * dpr), Math.floor((y - r.top) * dpr), 1, 1).data;
      return [d[0]!, d[1]!, d[2]!];
    },
  };
  (window as unknown as { __timerscopeTest: typeof hook }).__timerscopeTest = hook;
}
