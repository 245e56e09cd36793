import { counterTooltip, fireTooltip, gcTooltip, laneTooltip } from '../src/model/timelineTooltip';
import type { Lane } from '../src/model/timelineLanes';
import type { TimelineApp } from './app';
import { hitTest, type Hit } from './hitTest';
import { AXIS_HEIGHT, LABEL_WIDTH } from './viewport';

/**
 * Mouse, touch and keyboard: wheel or pinch zooms around the pointer, drag pans (time and lanes), shift-drag
 * or a drag on the time axis selects a range, wheel over the labels scrolls lanes, a click reveals a slice's
 * or lane's source line, a click on ▸ expands a call site into one lane per timer.
 */
export function attachInput(app: TimelineApp): void {
  const canvas = app.chrome.canvas;
  const pointers = new Map<number, { x: number; y: number }>();
  let drag: { x: number; y: number; startMs: number; endMs: number; scrollY: number; select: boolean; moved: boolean } | null = null;
  let pinch: { dist: number } | null = null;

  const local = (e: { clientX: number; clientY: number }): { x: number; y: number } => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const hit = (x: number, y: number): Hit | null => hitTest(app.store, app.lanes, app.counters, app.vp, x, y);

  canvas.addEventListener('pointerdown', e => {
    const p = local(e);
    pointers.set(e.pointerId, p);
    canvas.setPointerCapture(e.pointerId);
    canvas.focus();
    if (pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      pinch = { dist: Math.hypot(a!.x - b!.x, a!.y - b!.y) };
      drag = null;
      return;
    }
    const select = e.shiftKey || p.y < AXIS_HEIGHT;
    drag = { ...p, startMs: app.vp.startMs, endMs: app.vp.endMs, scrollY: app.vp.scrollY, select, moved: false };
  });

  canvas.addEventListener('pointermove', e => {
    const p = local(e);
    if (pointers.has(e.pointerId)) pointers.set(e.pointerId, p);
    if (pinch && pointers.size === 2) {
      const [a, b] = [...pointers.values()];
      const dist = Math.hypot(a!.x - b!.x, a!.y - b!.y);
      if (dist > 0 && pinch.dist > 0) app.vp.zoomAt(app.vp.toT((a!.x + b!.x) / 2), pinch.dist / dist, app.maxSpanMs());
      pinch.dist = dist;
      app.follow = false;
      app.invalidate();
      return;
    }
    if (drag) {
      const dx = p.x - drag.x;
      const dy = p.y - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      if (!drag.moved) return;
      if (drag.select) {
        const scale = app.vp.plotWidth / (drag.endMs - drag.startMs);
        const t0 = drag.startMs + (drag.x - LABEL_WIDTH) / scale;
        app.setSelection({ startMs: t0, endMs: app.vp.toT(p.x) });
      } else {
        const dt = dx / app.vp.scale;
        app.vp.set(drag.startMs - dt, drag.endMs - dt);
        app.vp.scrollY = drag.scrollY - dy;
        if (dx !== 0) app.follow = false;
        app.invalidate();
      }
      app.chrome.showTooltip(null, 0, 0);
      return;
    }
    hover(p.x, p.y);
  });

  const end = (e: PointerEvent): void => {
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    const d = drag;
    drag = null;
    if (!d || d.moved || e.type === 'pointercancel') return;
    const p = local(e);
    click(hit(p.x, p.y), p.x);
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('pointerleave', () => {
    app.hoverLane = -1;
    app.chrome.showTooltip(null, 0, 0);
    app.invalidate();
  });

  canvas.addEventListener(
    'wheel',
    e => {
      e.preventDefault();
      const p = local(e);
      const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? app.vp.height : 1;
      const dx = e.deltaX * unit;
      const dy = e.deltaY * unit;
      if (p.x < LABEL_WIDTH && !e.ctrlKey) app.vp.scrollY += dy;
      else if (e.shiftKey) app.vp.scrollY += dy;
      else if (Math.abs(dx) > Math.abs(dy)) {
        app.vp.panPx(dx);
        app.follow = false;
      } else {
        // Trackpad pinch arrives as ctrl+wheel with small deltas: zoom faster per unit.
        const factor = Math.exp(dy * (e.ctrlKey ? 0.01 : 0.002));
        const at = app.follow && app.live ? app.nowMs() : app.vp.toT(Math.max(LABEL_WIDTH, p.x));
        app.vp.zoomAt(at, factor, app.maxSpanMs());
      }
      app.invalidate();
      hover(p.x, p.y);
    },
    { passive: false },
  );

  canvas.addEventListener('keydown', e => {
    const vp = app.vp;
    const mid = (vp.startMs + vp.endMs) / 2;
    switch (e.key) {
      case 'w': vp.zoomAt(mid, 0.8, app.maxSpanMs()); break;
      case 's': vp.zoomAt(mid, 1.25, app.maxSpanMs()); break;
      case 'a': vp.panPx(-vp.plotWidth * 0.2); app.follow = false; break;
      case 'd': vp.panPx(vp.plotWidth * 0.2); app.follow = false; break;
      case 'ArrowUp': vp.scrollY -= 40; break;
      case 'ArrowDown': vp.scrollY += 40; break;
      case 'f': app.follow = !app.follow; break;
      case ' ': togglePause(app); break;
      case '0': app.fit(); break;
      case 'Escape': app.setSelection(null); break;
      default: return;
    }
    e.preventDefault();
    app.invalidate();
  });

  function hover(x: number, y: number): void {
    const h = hit(x, y);
    const index = h && h.kind !== 'axis' ? h.index : -1;
    if (index !== app.hoverLane) {
      app.hoverLane = index;
      app.invalidate();
    }
    app.chrome.showTooltip(h ? tooltipLines(app, h) : null, x, y);
    canvas.style.cursor = h && (h.kind === 'fire' || h.kind === 'label' || (h.kind === 'lane' && h.lane.siteId !== undefined)) ? 'pointer' : 'default';
  }

  function click(h: Hit | null, x: number): void {
    if (!h || h.kind === 'axis') {
      app.setSelection(null);
      return;
    }
    if (h.kind === 'label' && h.lane.kind === 'site' && x < 18) {
      app.toggleExpand(h.lane.siteId!);
      return;
    }
    if (h.kind === 'fire') reveal(app, h.lane, h.fire.timerId);
    else if (h.kind === 'label' || h.kind === 'lane') reveal(app, h.lane, h.lane.timerId);
  }
}

/** Pause freezes the picture at the current time; resume jumps back to following. */
export function togglePause(app: TimelineApp): void {
  if (app.pausedAt === null) {
    app.pausedAt = app.store.nowMs;
    app.follow = false;
  } else {
    app.pausedAt = null;
    app.follow = app.live;
  }
  app.invalidate();
}

function reveal(app: TimelineApp, lane: Lane, timerId: number | undefined): void {
  const siteId = timerId !== undefined ? app.store.timers.get(timerId)?.timer.siteId ?? lane.siteId : lane.siteId;
  const loc = siteId === undefined ? null : app.store.sites.get(siteId)?.site.location;
  if (!loc) return;
  app.post({ type: 'reveal', location: loc, siteId, ...(timerId !== undefined ? { timerId } : {}) });
  if (app.host.mode === 'standalone') app.chrome.setReveal(`→ ${loc.file}:${loc.line}:${loc.column}`);
}

function tooltipLines(app: TimelineApp, h: Hit): string[] | null {
  switch (h.kind) {
    case 'fire': return fireTooltip(app.store, h.fire, app.config.slo);
    case 'gc': return gcTooltip(h.gc);
    case 'counter': return counterTooltip(h.sample);
    case 'label': return laneTooltip(app.store, h.lane);
    default: return null;
  }
}
