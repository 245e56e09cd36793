/**
 * The bounded recording a live session keeps (what `timerscope record` writes and the live timeline is
 * fed from). Every addition also goes into the current {@link RecordingDelta}. Past the caps, records are
 * counted in `dropped` instead of growing memory without end.
 */
import type {
  CounterSample,
  LoopDelaySample,
  RecordedFire,
  RecordedGc,
  RecordedMark,
  RecordedSite,
  RecordedThread,
  RecordedTimer,
  RecordingDelta,
} from '../shared/recording';

export const RECORDING_CAPS = { timers: 100_000, fires: 500_000, marks: 200_000, gc: 50_000, samples: 100_000 };

export class RecordingBuffer {
  readonly threads: RecordedThread[] = [];
  readonly sites: RecordedSite[] = [];
  readonly timers: RecordedTimer[] = [];
  readonly fires: RecordedFire[] = [];
  readonly marks: RecordedMark[] = [];
  readonly gc: RecordedGc[] = [];
  readonly counters: CounterSample[] = [];
  readonly loopDelay: LoopDelaySample[] = [];
  dropped = 0;

  private push<T>(arr: T[], cap: number, item: T): boolean {
    if (arr.length >= cap) {
      this.dropped++;
      return false;
    }
    arr.push(item);
    return true;
  }

  addTimer(t: RecordedTimer, delta: RecordingDelta): RecordedTimer | undefined {
    if (!this.push(this.timers, RECORDING_CAPS.timers, t)) return undefined;
    (delta.timers ??= []).push(t);
    return t;
  }

  endTimer(t: RecordedTimer, endMs: number, delta: RecordingDelta): void {
    t.endMs = endMs;
    (delta.ended ??= []).push({ timerId: t.id, endMs });
  }

  addFire(f: RecordedFire, delta: RecordingDelta): void {
    if (this.push(this.fires, RECORDING_CAPS.fires, f)) (delta.fires ??= []).push(f);
  }

  addMark(m: RecordedMark, delta: RecordingDelta): void {
    if (this.push(this.marks, RECORDING_CAPS.marks, m)) (delta.marks ??= []).push(m);
  }

  addGc(g: RecordedGc, delta: RecordingDelta): void {
    if (this.push(this.gc, RECORDING_CAPS.gc, g)) (delta.gc ??= []).push(g);
  }

  addCounter(c: CounterSample, delta: RecordingDelta): void {
    if (this.push(this.counters, RECORDING_CAPS.samples, c)) (delta.counters ??= []).push(c);
  }

  addLoop(l: LoopDelaySample, delta: RecordingDelta): void {
    if (this.push(this.loopDelay, RECORDING_CAPS.samples, l)) (delta.loopDelay ??= []).push(l);
  }
}
