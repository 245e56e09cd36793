/**
 * Pure: runs `fn` at most once per `intervalMs`, always with the latest call's effect (a trailing run after
 * a burst). For editor refreshes that must not outpace what the editor can draw: VS Code re-requests code
 * lenses after a short debounce and cancels a request still in flight, so refreshing faster than a request
 * takes would never show new lenses.
 */
export type Clock = { now(): number; setTimeout(fn: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: h => clearTimeout(h as NodeJS.Timeout),
};

export class Throttle {
  private last = -Infinity;
  private pending: unknown;

  constructor(
    private readonly fn: () => void,
    public intervalMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  /** Asks for a run: now if the last one is old enough, else once the interval has passed. */
  request(): void {
    if (this.pending !== undefined) return;
    const wait = this.last + this.intervalMs - this.clock.now();
    if (wait <= 0) return this.run();
    this.pending = this.clock.setTimeout(() => this.run(), wait);
  }

  /** Runs now (and drops a scheduled run). */
  run(): void {
    this.cancel();
    this.last = this.clock.now();
    this.fn();
  }

  cancel(): void {
    if (this.pending !== undefined) this.clock.clearTimeout(this.pending);
    this.pending = undefined;
  }
}
