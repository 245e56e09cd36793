import type { CounterSample } from '../src/shared/recording';
import { lowerBound } from '../src/model/timelineSearch';
import type { Lane } from '../src/model/timelineLanes';
import type { TimelineStore } from '../src/model/timelineStore';
import { drawFires, drawMarks, drawSpans, type DrawContext } from './drawSlices';
import { AXIS_HEIGHT, LABEL_WIDTH, formatMs, tickStep } from './viewport';

/** Everything one frame shows besides the store: lanes, selection, hover, the "now" line. */
export type FrameInput = {
  store: TimelineStore;
  lanes: readonly Lane[];
  /** Live-timer samples per thread (thread filter applied). */
  counters: ReadonlyMap<number, CounterSample[]>;
  selection: { startMs: number; endMs: number } | null;
  hoverLane: number;
  /** Draw a "now" line here (live sessions), or null. */
  nowMs: number | null;
  /** Key of a lane to outline (just focused), or ''. */
  flashKey: string;
};

/** Paints one full frame. Returns the number of fires that were in view (for the status line). */
export function drawFrame(d: DrawContext, f: FrameInput): number {
  const { ctx, vp, theme } = d;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, vp.width, vp.height);
  ctx.font = theme.font;
  ctx.textBaseline = 'middle';
  const step = tickStep(vp.scale);
  drawGrid(d, step);
  let visible = 0;
  const first = Math.max(0, lowerBound(f.lanes, vp.scrollY, l => l.y + l.height));
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, AXIS_HEIGHT, vp.width, vp.height - AXIS_HEIGHT);
  ctx.clip();
  for (let i = first; i < f.lanes.length; i++) {
    const lane = f.lanes[i]!;
    const top = vp.laneTop(lane.y);
    if (top > vp.height) break;
    visible += drawLane(d, f, lane, i, top);
  }
  ctx.restore();
  if (f.selection) {
    const x0 = Math.max(LABEL_WIDTH, vp.toX(Math.min(f.selection.startMs, f.selection.endMs)));
    const x1 = Math.min(vp.width, vp.toX(Math.max(f.selection.startMs, f.selection.endMs)));
    if (x1 > x0) {
      ctx.fillStyle = theme.selection;
      ctx.globalAlpha = 0.35;
      ctx.fillRect(x0, AXIS_HEIGHT, x1 - x0, vp.height - AXIS_HEIGHT);
      ctx.globalAlpha = 1;
      ctx.fillStyle = theme.accent;
      ctx.fillRect(x0, 0, 1, vp.height);
      ctx.fillRect(x1 - 1, 0, 1, vp.height);
    }
  }
  if (f.nowMs !== null) {
    const x = vp.toX(f.nowMs);
    if (x >= LABEL_WIDTH && x <= vp.width) {
      ctx.fillStyle = theme.accent;
      ctx.fillRect(Math.round(x) - 1, 0, 2, vp.height);
    }
  }
  drawAxis(d, step);
  return visible;
}

function drawGrid(d: DrawContext, step: number): void {
  const { ctx, vp, theme } = d;
  ctx.fillStyle = theme.grid;
  for (let t = Math.ceil(vp.startMs / step) * step; t <= vp.endMs; t += step) {
    ctx.fillRect(Math.round(vp.toX(t)), AXIS_HEIGHT, 1, vp.height - AXIS_HEIGHT);
  }
}

function drawAxis(d: DrawContext, step: number): void {
  const { ctx, vp, theme } = d;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, 0, vp.width, AXIS_HEIGHT);
  ctx.fillStyle = theme.border;
  ctx.fillRect(0, AXIS_HEIGHT - 1, vp.width, 1);
  ctx.fillStyle = theme.muted;
  const digits = step < 1 ? 3 : step < 10 ? 1 : 0;
  for (let t = Math.ceil(vp.startMs / step) * step; t <= vp.endMs; t += step) {
    const x = Math.round(vp.toX(t));
    ctx.fillRect(x, AXIS_HEIGHT - 6, 1, 6);
    ctx.fillText(formatMs(t, digits), x + 3, AXIS_HEIGHT / 2);
  }
  ctx.fillStyle = theme.fg;
  ctx.fillText(`${formatMs(vp.spanMs)} shown`, 6, AXIS_HEIGHT / 2);
}

function drawLane(d: DrawContext, f: FrameInput, lane: Lane, index: number, top: number): number {
  const { ctx, vp, theme } = d;
  const h = lane.height;
  if (lane.highlight) {
    ctx.fillStyle = lane.highlight === 'leak' ? theme.error : theme.warning;
    ctx.globalAlpha = 0.12;
    ctx.fillRect(0, top, vp.width, h);
    ctx.globalAlpha = 1;
  } else if (index % 2 === 1 || index === f.hoverLane) {
    ctx.fillStyle = theme.laneAlt;
    ctx.fillRect(0, top, vp.width, h);
  }
  if (index === f.hoverLane) {
    ctx.fillStyle = theme.laneAlt;
    ctx.fillRect(0, top, vp.width, h);
  }
  let n = 0;
  const store = f.store;
  switch (lane.kind) {
    case 'loop':
      n = drawFires(d, store.loop.get(lane.threadId ?? 0) ?? [], top, h);
      break;
    case 'gc':
      drawSpans(d, lane.threadId === null ? store.gc : store.gc.filter(g => (g.threadId ?? 0) === lane.threadId), top, h, theme.gc);
      break;
    case 'counter':
      drawCounters(d, f.counters, top, h);
      break;
    case 'site': {
      const st = store.sites.get(lane.siteId!);
      if (st) {
        n = drawFires(d, st.fires, top, h);
        drawMarks(d, st.marks, top, h);
      }
      break;
    }
    case 'timer': {
      const tr = store.timers.get(lane.timerId!);
      if (tr) {
        // Lifetime line: a leaked timer's line runs to "now", which is what makes a pile-up visible.
        const x0 = Math.max(LABEL_WIDTH, vp.toX(tr.timer.createdMs));
        const x1 = Math.min(vp.width, vp.toX(Math.min(tr.timer.endMs ?? d.clipMs, d.clipMs)));
        if (x1 > x0) {
          ctx.fillStyle = theme.muted;
          ctx.globalAlpha = 0.5;
          ctx.fillRect(x0, top + h - 3, x1 - x0, 1);
          ctx.globalAlpha = 1;
        }
        n = drawFires(d, tr.fires, top, h);
        drawMarks(d, tr.marks, top, h);
      }
      break;
    }
  }
  drawLabel(d, lane, top);
  if (lane.key === f.flashKey) {
    ctx.strokeStyle = theme.accent;
    ctx.lineWidth = 2;
    ctx.strokeRect(1, top + 1, vp.width - 2, h - 2);
  }
  return lane.kind === 'loop' ? n : 0;
}

function drawCounters(d: DrawContext, series: ReadonlyMap<number, CounterSample[]>, top: number, h: number): void {
  const { ctx, vp, theme } = d;
  let max = 1;
  const ranges: [CounterSample[], number, number][] = [];
  for (const samples of series.values()) {
    const i0 = Math.max(0, lowerBound(samples, vp.startMs, c => c.tMs) - 1);
    const i1 = Math.min(samples.length, lowerBound(samples, Math.min(vp.endMs, d.clipMs), c => c.tMs) + 1);
    for (let i = i0; i < i1; i++) max = Math.max(max, samples[i]!.live);
    ranges.push([samples, i0, i1]);
  }
  const yOf = (v: number): number => top + h - 2 - (v / max) * (h - 6);
  let k = 0;
  for (const [samples, i0, i1] of ranges) {
    if (i1 <= i0) continue;
    const path = new Path2D();
    let x = Math.max(LABEL_WIDTH, vp.toX(samples[i0]!.tMs));
    path.moveTo(x, top + h - 2);
    for (let i = i0; i < i1; i++) {
      const s = samples[i]!;
      if (s.tMs > d.clipMs) break;
      const nx = Math.max(LABEL_WIDTH, Math.min(vp.width, vp.toX(s.tMs)));
      if (i > i0) path.lineTo(nx, yOf(samples[i - 1]!.live));
      path.lineTo(nx, yOf(s.live));
      x = nx;
    }
    path.lineTo(x, top + h - 2);
    ctx.fillStyle = k === 0 ? theme.counter : theme.gc;
    ctx.globalAlpha = 0.35;
    ctx.fill(path);
    ctx.globalAlpha = 1;
    k++;
  }
  ctx.fillStyle = theme.muted;
  ctx.fillText(`max ${max}`, LABEL_WIDTH + 4, top + 8);
}

function drawLabel(d: DrawContext, lane: Lane, top: number): void {
  const { ctx, theme } = d;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(0, top, LABEL_WIDTH, lane.height);
  if (lane.highlight) {
    ctx.fillStyle = lane.highlight === 'leak' ? theme.error : theme.warning;
    ctx.fillRect(0, top, 3, lane.height);
  }
  ctx.fillStyle = theme.border;
  ctx.fillRect(LABEL_WIDTH - 1, top, 1, lane.height);
  ctx.fillRect(0, top + lane.height - 1, LABEL_WIDTH, 1);
  let x = 6;
  if (lane.kind === 'site') {
    ctx.fillStyle = theme.muted;
    ctx.fillText(lane.expanded ? '▾' : '▸', x, top + lane.height / 2);
    x += 12;
  } else if (lane.kind === 'timer') x += 18;
  ctx.fillStyle = lane.kind === 'timer' ? theme.muted : theme.fg;
  ctx.fillText(fit(ctx, lane.label, LABEL_WIDTH - x - 6), x, top + lane.height / 2);
}

/** Truncates `text` with an ellipsis to fit `maxPx`. */
function fit(ctx: CanvasRenderingContext2D, text: string, maxPx: number): string {
  if (ctx.measureText(text).width <= maxPx) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ctx.measureText(text.slice(0, mid) + '…').width <= maxPx) lo = mid;
    else hi = mid - 1;
  }
  return text.slice(0, lo) + '…';
}
