/**
 * How many creations the tracker follows one by one. Following a timer costs about a microsecond (its
 * bookkeeping object, a callback class lookup at flush, a report to the host); a debounce storm creates a
 * million timers a second. So below a budget per flush window every creation is tracked (exact counts,
 * the normal case), and above it 1 in `stride` is, chosen with jitter so that a loop alternating between
 * two call sites cannot alias with the stride. A tracked timer stands for the creations since the previous
 * pick in the created/cleared/fired counts of its site (an unbiased estimate: each creation is tracked
 * with probability 1/stride); timers that were not tracked and live on are found by the tracker's walk of
 * Node's timer lists and adopted, so live counts, lateness and callback times of long-lived timers stay
 * exact.
 *
 * The hot path is the tracker's own: a module-level countdown decremented per creation (a property store
 * on this object would make Node's inlined Timeout constructor bigger). The sampler is asked only when it
 * reaches zero ({@link pick}) and at each flush ({@link endWindow}).
 */
export class CreationSampler {
  /** 1 in how many creations is tracked now. */
  stride = 1;
  /** The countdown the tracker runs now (creations until the next pick, this one included). */
  gap = 1;
  /** Creations tracked in this window. */
  tracked = 0;
  /** Creations in the last window that ended (all of them). */
  created = 0;
  /** Creations not tracked since the last walk of the timer lists (the walk adopts the survivors). */
  untrackedSinceWalk = 0;
  private pickedGaps = 0;
  private sinceLastPickAtStart = 0;

  /**
   * @param budget creations per window tracked one by one before sampling starts (`windowCap`)
   * @param target creations per window tracked while sampling
   */
  constructor(
    private readonly budget: number,
    private readonly target = Math.max(1, Math.min(256, budget >> 1)),
  ) {}

  /** The countdown reached zero: this creation is tracked; returns how many creations it stands for. */
  pick(): number {
    const weight = this.gap;
    this.pickedGaps += weight;
    this.tracked++;
    // Past the budget within one window (a burst): sparser at once, without waiting for the flush.
    if (this.tracked >= this.budget && (this.tracked - this.budget) % this.target === 0) this.stride *= 4;
    this.gap = this.jittered();
    return weight;
  }

  /**
   * A flush, with the tracker's countdown now: the next window's stride from this window's rate. Returns
   * the countdown to run from now on (restarted when the stride fell: a storm that ended must not leave a
   * long countdown behind, during which a quiet program's creations would go untracked).
   */
  endWindow(countdown: number): number {
    const sinceLastPick = this.gap - countdown;
    const n = (this.created = Math.max(0, this.pickedGaps + sinceLastPick - this.sinceLastPickAtStart));
    this.untrackedSinceWalk += Math.max(0, n - this.tracked);
    this.pickedGaps = 0;
    this.tracked = 0;
    this.stride = n <= this.budget ? 1 : Math.ceil(n / this.target);
    if (countdown <= 2 * this.stride) {
      this.sinceLastPickAtStart = sinceLastPick;
      return countdown;
    }
    this.gap = this.jittered();
    this.sinceLastPickAtStart = 0;
    return this.gap;
  }

  private jittered(): number {
    const s = this.stride;
    return s === 1 ? 1 : 1 + Math.floor(Math.random() * (2 * s - 1));
  }
}
