import type { Finding } from './findings';
import type { SourcePosition, TimerKind } from './snapshot';

/**
 * `timerscope.recording/v1`: what `timerscope record` writes and the timeline (webview, `timerscope view`,
 * HTML report, Perfetto export) reads. All times are milliseconds since the recording started (`t0`).
 * The live timeline receives the same shapes as {@link RecordingDelta}s.
 */
export const RECORDING_SCHEMA = 'timerscope.recording/v1' as const;

export type RecordedThread = { threadId: number; name: string };

/** A call site: one lane in the timeline, expandable into one lane per timer. */
export type RecordedSite = {
  id: number;
  kind: TimerKind;
  location: SourcePosition | null;
  /** Generated JS position when `location` comes from a source map. */
  generated?: SourcePosition | null;
  callbackName?: string;
  delayMs: number;
  threadId: number;
  internal?: boolean;
};

export type RecordedTimer = {
  id: number;
  siteId: number;
  kind: TimerKind;
  delayMs: number;
  threadId: number;
  /** Creation time; negative or 0 for timers that existed before the recording. */
  createdMs: number;
  /** When it was cleared (or, for a timeout, fired for the last time); null while alive. */
  endMs: number | null;
  refed: boolean;
};

/** One callback run: a slice at `startMs`, `durationMs` wide, with a whisker from `scheduledMs`. */
export type RecordedFire = {
  timerId: number;
  scheduledMs: number;
  startMs: number;
  durationMs: number;
};

export type RecordedMark = { timerId: number; tMs: number; type: 'create' | 'clear' | 'refresh' };

export type RecordedGc = { startMs: number; durationMs: number; threadId?: number };

export type CounterSample = { tMs: number; live: number; threadId?: number };

/** Event-loop delay over a short window (from `monitorEventLoopDelay`). */
export type LoopDelaySample = { tMs: number; p50: number; p99: number; max: number; threadId?: number };

export type RecordingDelta = {
  sites?: RecordedSite[];
  timers?: RecordedTimer[];
  /** Timers whose `endMs` became known. */
  ended?: { timerId: number; endMs: number }[];
  fires?: RecordedFire[];
  marks?: RecordedMark[];
  gc?: RecordedGc[];
  counters?: CounterSample[];
  loopDelay?: LoopDelaySample[];
  findings?: Finding[];
  /** The recording clock now: lets a live view follow even when nothing happens. */
  nowMs?: number;
};

export type Recording = {
  schema: typeof RECORDING_SCHEMA;
  process: { pid: number; nodeVersion: string; argv: string[] };
  /** Epoch ms of time 0. */
  t0: number;
  durationMs: number;
  threads: RecordedThread[];
  sites: RecordedSite[];
  timers: RecordedTimer[];
  fires: RecordedFire[];
  marks: RecordedMark[];
  gc: RecordedGc[];
  counters: CounterSample[];
  loopDelay: LoopDelaySample[];
  findings: Finding[];
  dropped: number;
};
