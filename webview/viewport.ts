/**
 * The visible time range and vertical scroll, and the mapping between time and canvas x. Pure arithmetic so the
 * renderer, hit testing and the test hook agree on every pixel.
 */

/** Width of the lane-label gutter on the left of the canvas, CSS px. */
export const LABEL_WIDTH = 260;
/** Height of the time axis at the top of the canvas, CSS px. */
export const AXIS_HEIGHT = 24;
/** Narrowest view: 10 µs across the plot. */
const MIN_SPAN_MS = 0.01;

export class Viewport {
  startMs = 0;
  endMs = 1000;
  /** Canvas size in CSS pixels. */
  width = 800;
  height = 400;
  scrollY = 0;

  get plotWidth(): number {
    return Math.max(1, this.width - LABEL_WIDTH);
  }
  get spanMs(): number {
    return this.endMs - this.startMs;
  }
  /** CSS px per millisecond. */
  get scale(): number {
    return this.plotWidth / this.spanMs;
  }
  toX(t: number): number {
    return LABEL_WIDTH + (t - this.startMs) * this.scale;
  }
  toT(x: number): number {
    return this.startMs + (x - LABEL_WIDTH) / this.scale;
  }
  set(startMs: number, endMs: number): void {
    if (!(endMs - startMs >= MIN_SPAN_MS)) endMs = startMs + MIN_SPAN_MS;
    this.startMs = startMs;
    this.endMs = endMs;
  }
  /** Zooms by `factor` (< 1 zooms in) keeping time `atMs` under the same pixel. */
  zoomAt(atMs: number, factor: number, maxSpanMs: number): void {
    const span = Math.min(maxSpanMs, Math.max(MIN_SPAN_MS, this.spanMs * factor));
    const frac = (atMs - this.startMs) / this.spanMs;
    this.set(atMs - frac * span, atMs - frac * span + span);
  }
  /** Moves the view by `dxPx` pixels (positive = later). */
  panPx(dxPx: number): void {
    const dt = dxPx / this.scale;
    this.set(this.startMs + dt, this.endMs + dt);
  }
  /** Keeps scrollY inside [0, contentHeight - visible lanes height]. */
  clampScroll(contentHeight: number): void {
    const max = Math.max(0, contentHeight - (this.height - AXIS_HEIGHT));
    this.scrollY = Math.min(max, Math.max(0, this.scrollY));
  }
  /** Canvas y of a lane whose content y is `laneY`. */
  laneTop(laneY: number): number {
    return AXIS_HEIGHT + laneY - this.scrollY;
  }
}

/** A "nice" tick step (1, 2 or 5 × 10^k ms) giving at least `minPx` between ticks. */
export function tickStep(scalePxPerMs: number, minPx = 80): number {
  const raw = minPx / scalePxPerMs;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * pow >= raw) return m * pow;
  return 10 * pow;
}

/** Human time: `850 µs`, `12.5 ms`, `3.25 s`. */
export function formatMs(ms: number, digits = 1): string {
  const a = Math.abs(ms);
  if (a < 1 && a > 0) return `${(ms * 1000).toFixed(0)} µs`;
  if (a < 1000) return `${ms.toFixed(digits)} ms`;
  return `${(ms / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
}
