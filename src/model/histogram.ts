/**
 * A fixed-memory log-bucket histogram for milliseconds (lateness, callback time): ~2% relative error,
 * exact count and max, from 1 µs to hours. Merging and percentiles are O(buckets).
 */
import type { Percentiles } from '../shared/findings';

const MIN_MS = 0.001;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 1200;

export class Histogram {
  private readonly buckets = new Uint32Array(BUCKETS);
  count = 0;
  max = 0;
  min = Infinity;
  sum = 0;

  record(ms: number): void {
    if (!(ms >= 0)) return;
    const i = ms <= MIN_MS ? 0 : Math.min(BUCKETS - 1, 1 + Math.floor(Math.log(ms / MIN_MS) / LOG_GROWTH));
    this.buckets[i]++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
  }

  /** The value below which `p` percent of the samples fall (bucket midpoint, clamped to min/max). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.buckets[i];
      if (seen >= rank) {
        const mid = i === 0 ? 0 : MIN_MS * Math.pow(GROWTH, i - 0.5);
        return Math.min(this.max, Math.max(this.min, mid));
      }
    }
    return this.max;
  }

  percentiles(): Percentiles {
    const r = (v: number) => Math.round(v * 100) / 100;
    return { p50: r(this.percentile(50)), p95: r(this.percentile(95)), p99: r(this.percentile(99)), max: r(this.max) };
  }
}
