import type { SourcePosition, TimerKind } from './snapshot';

/** Rule ids of the live findings (issue: live mode). */
export type FindingRule =
  | 'leak.growth'
  | 'leak.outlived-request'
  | 'keepalive'
  | 'churn'
  | 'callback.long'
  | 'late'
  | 'overlap';

export type Severity = 'error' | 'warning' | 'info';

export type Finding = {
  rule: FindingRule;
  severity: Severity;
  site: SourcePosition;
  message: string;
  threadId?: number;
};

export type Percentiles = { p50: number; p95: number; p99: number; max: number };

/** One call site's live numbers, as printed by `timerscope watch --json`. */
export type WatchSite = {
  file: string;
  line: number;
  column: number;
  kind: TimerKind;
  callbackName?: string;
  delayMs?: number;
  threadId?: number;
  internal?: boolean;
  live: number;
  created: number;
  cleared: number;
  fired: number;
  refreshed?: number;
  latenessMs: Percentiles;
  callbackMs: Percentiles;
  /** Interval drift: how far the latest fire is behind the ideal fixed-rate schedule. */
  driftMs: number;
  overlaps: number;
  /** Live count samples, oldest first (for sparklines). */
  liveHistory?: number[];
};

export const WATCH_SCHEMA = 'timerscope.watch/v1' as const;

export type WatchReport = {
  schema: typeof WATCH_SCHEMA;
  process?: { pid: number; nodeVersion: string; argv: string[] };
  durationMs?: number;
  sites: WatchSite[];
  findings: Finding[];
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  gcPauseMs: { count: number; max: number };
  dropped: number;
  /**
   * Creations the agents did not track one by one: above a few thousand creations per flush they track
   * 1 in N, and the counts of the sites involved are estimates (each tracked timer stands for N).
   */
  unsampled?: number;
  threads?: { threadId: number; url: string }[];
};
