import type { RecordedFire, RecordedGc, RecordedMark } from '../src/shared/recording';
import type { TimelineSlo } from '../src/shared/webviewProtocol';
import { lowerBound } from '../src/model/timelineSearch';
import { durationBucket, type Theme } from './theme';
import { LABEL_WIDTH, type Viewport } from './viewport';

/**
 * Draws fires as slices on a canvas, one batched path per colour. Slices narrower than {@link MIN_SLICE_PX}
 * are merged into per-pixel density bars (height = share of the pixel that was busy), which keeps a zoomed-out
 * lane of 100,000 fires both readable and fast: cost is O(visible fires) with no per-event objects.
 */

/** Narrower slices become density bars. */
export const MIN_SLICE_PX = 1.5;

/** What every draw call needs. */
export type DrawContext = {
  ctx: CanvasRenderingContext2D;
  vp: Viewport;
  theme: Theme;
  slo: TimelineSlo;
  /** Nothing after this time is drawn (pause freezes the view here). */
  clipMs: number;
  /** Longest callback in the store: how far before the view a visible slice may start. */
  maxDurationMs: number;
};

// Scratch buffers reused across lanes and frames (one per pixel column).
let cover = new Float32Array(0);
let worst = new Int8Array(0);
let breachCol = new Uint8Array(0);
const rects: number[][] = [[], [], [], [], []];
const whiskers: number[] = [];
const breaches: number[] = [];

function ensure(width: number): void {
  if (cover.length >= width) return;
  cover = new Float32Array(width);
  worst = new Int8Array(width).fill(-1);
  breachCol = new Uint8Array(width);
}

const startOf = (f: RecordedFire): number => f.startMs;

/** Draws `fires` (sorted by start) into the lane at canvas y `top`, height `h`. Returns how many were visible. */
export function drawFires(d: DrawContext, fires: readonly RecordedFire[], top: number, h: number): number {
  const { ctx, vp, theme, slo } = d;
  const width = Math.ceil(vp.plotWidth) + 1;
  ensure(width);
  const scale = vp.scale;
  const base = LABEL_WIDTH - vp.startMs * scale;
  const right = vp.width;
  const t1 = Math.min(vp.endMs, d.clipMs);
  let minCol = width;
  let maxCol = -1;
  let n = 0;
  for (const r of rects) r.length = 0;
  whiskers.length = 0;
  breaches.length = 0;
  for (let i = lowerBound(fires, vp.startMs - d.maxDurationMs, startOf); i < fires.length; i++) {
    const f = fires[i]!;
    if (f.startMs > t1) break;
    const end = Math.min(f.startMs + f.durationMs, d.clipMs);
    if (end < vp.startMs) continue;
    n++;
    const late = f.startMs - f.scheduledMs;
    const bad = late > slo.latenessMs || f.durationMs > slo.callbackMs;
    const b = durationBucket(f.durationMs);
    let x0 = base + f.startMs * scale;
    let x1 = base + end * scale;
    // The whisker shows lateness even when the slice itself is too thin to draw: a late heartbeat must stand out.
    const xs = base + f.scheduledMs * scale;
    if (x0 - xs >= 3 && x0 >= LABEL_WIDTH) whiskers.push(Math.max(LABEL_WIDTH, xs), x0);
    if (x1 - x0 >= MIN_SLICE_PX) {
      x0 = Math.max(LABEL_WIDTH, x0);
      x1 = Math.min(right, x1);
      rects[b]!.push(x0, x1 - x0);
      if (bad) breaches.push(x0, x1 - x0);
      continue;
    }
    const col = Math.max(0, Math.min(width - 1, (x0 - LABEL_WIDTH) | 0));
    if (col < minCol) minCol = col;
    if (col > maxCol) maxCol = col;
    cover[col]! += x1 - x0;
    if (b > worst[col]!) worst[col] = b;
    if (bad) breachCol[col] = 1;
  }
  // Density bars: bottom-aligned, at least 3 px so a single tiny callback stays visible; runs merged.
  const density: number[][] = [[], [], [], [], []];
  const marks: number[] = [];
  for (let c = minCol; c <= maxCol; c++) {
    const b = worst[c]!;
    if (b < 0) continue;
    const bh = Math.max(3, Math.round(h * Math.min(1, cover[c]!)));
    let run = 1;
    while (c + run <= maxCol && worst[c + run] === b && Math.max(3, Math.round(h * Math.min(1, cover[c + run]!))) === bh) run++;
    for (let k = c; k < c + run; k++) {
      if (breachCol[k]) marks.push(LABEL_WIDTH + k);
      cover[k] = 0;
      worst[k] = -1;
      breachCol[k] = 0;
    }
    density[b]!.push(LABEL_WIDTH + c, run, bh);
    c += run - 1;
  }
  for (let b = 0; b < 5; b++) {
    const list = rects[b]!;
    const dl = density[b]!;
    if (!list.length && !dl.length) continue;
    ctx.fillStyle = theme.duration[b]!;
    ctx.beginPath();
    for (let k = 0; k < list.length; k += 2) ctx.rect(list[k]!, top + 2, list[k + 1]!, h - 4);
    for (let k = 0; k < dl.length; k += 3) ctx.rect(dl[k]!, top + h - 1 - dl[k + 2]!, dl[k + 1]!, dl[k + 2]!);
    ctx.fill();
  }
  if (whiskers.length) {
    const mid = Math.round(top + h / 2) + 0.5;
    ctx.strokeStyle = theme.muted;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = 0; k < whiskers.length; k += 2) {
      const xs = Math.round(whiskers[k]!) + 0.5;
      ctx.moveTo(xs, mid - 4);
      ctx.lineTo(xs, mid + 4);
      ctx.moveTo(xs, mid);
      ctx.lineTo(whiskers[k + 1]!, mid);
    }
    ctx.stroke();
  }
  if (breaches.length || marks.length) {
    ctx.strokeStyle = theme.error;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    for (let k = 0; k < breaches.length; k += 2) ctx.rect(breaches[k]!, top + 2, breaches[k + 1]!, h - 4);
    ctx.stroke();
    ctx.fillStyle = theme.error;
    ctx.beginPath();
    for (const x of marks) ctx.rect(x, top + 1, 1, 2);
    ctx.fill();
  }
  return n;
}

/** GC pauses as plain spans (at least 1 px wide). */
export function drawSpans(d: DrawContext, spans: readonly RecordedGc[], top: number, h: number, color: string): void {
  const { ctx, vp } = d;
  const t1 = Math.min(vp.endMs, d.clipMs);
  ctx.fillStyle = color;
  ctx.beginPath();
  for (let i = lowerBound(spans, vp.startMs - 1000, g => g.startMs); i < spans.length; i++) {
    const g = spans[i]!;
    if (g.startMs > t1) break;
    if (g.startMs + g.durationMs < vp.startMs) continue;
    const x0 = Math.max(LABEL_WIDTH, vp.toX(g.startMs));
    const x1 = Math.min(vp.width, vp.toX(g.startMs + g.durationMs));
    ctx.rect(x0, top + 2, Math.max(1, x1 - x0), h - 4);
  }
  ctx.fill();
}

/** Creation ticks at the top of the lane, clear ticks at the bottom; one per pixel column at most. */
export function drawMarks(d: DrawContext, marks: readonly RecordedMark[], top: number, h: number): void {
  const { ctx, vp, theme } = d;
  const t1 = Math.min(vp.endMs, d.clipMs);
  let lastCreate = -1;
  let lastClear = -1;
  const creates = new Path2D();
  const clears = new Path2D();
  for (let i = lowerBound(marks, vp.startMs, m => m.tMs); i < marks.length; i++) {
    const m = marks[i]!;
    if (m.tMs > t1) break;
    const x = Math.round(vp.toX(m.tMs));
    if (m.type === 'clear') {
      if (x !== lastClear) clears.rect(x, top + h - 5, 1, 4);
      lastClear = x;
    } else {
      if (x !== lastCreate) creates.moveTo(x - 2.5, top + 1), creates.lineTo(x + 2.5, top + 1), creates.lineTo(x, top + 5);
      lastCreate = x;
    }
  }
  ctx.fillStyle = theme.create;
  ctx.fill(creates);
  ctx.fillStyle = theme.clear;
  ctx.fill(clears);
}
