/**
 * Thresholds of the live findings. The extension maps each key to a `timerscope.live.<key>` setting;
 * the CLI takes them from flags. Defaults are chosen so that the shipped cases are flagged and healthy
 * programs (a few long-lived intervals, socket timeouts being refreshed) are not.
 */
export type LiveThresholds = {
  /** leak.growth: a site's live count rose by at least this much over the growth window... */
  leakMinGrowth: number;
  /** ...and is at least this high now. */
  leakMinLive: number;
  /** ...within this window (ms, live count sampled once a second). */
  leakWindowMs: number;
  /** leak.outlived-request: alive this long after its HTTP response finished. */
  outlivedRequestMs: number;
  /** keepalive: ref'd intervals (or timeouts of at least `keepaliveMinDelayMs`) alive for this long. */
  keepaliveMinAgeMs: number;
  keepaliveMinDelayMs: number;
  /** churn: more creations per second than this at one site (in any 1 s window). */
  churnPerSecond: number;
  /** callback.long: callback p95 above this (ms), or above an interval's period. */
  callbackLongMs: number;
  /** late: lateness p99 above this SLO (ms)... */
  lateSloMs: number;
  /** ...with at least this many fires. */
  minFires: number;
  /** overlap: at least this many overlapping fires. */
  overlapMin: number;
};

export const DEFAULT_LIVE_THRESHOLDS: LiveThresholds = {
  leakMinGrowth: 5,
  leakMinLive: 5,
  leakWindowMs: 60000,
  outlivedRequestMs: 5000,
  keepaliveMinAgeMs: 2000,
  keepaliveMinDelayMs: 10000,
  churnPerSecond: 100,
  callbackLongMs: 50,
  lateSloMs: 50,
  minFires: 5,
  overlapMin: 1,
};

/** Short rule groups accepted by `--fail-on` (a full rule id works too). */
export const RULE_GROUPS: Record<string, string[]> = {
  leak: ['leak.growth', 'leak.outlived-request'],
  late: ['late'],
  long: ['callback.long'],
  churn: ['churn'],
  keepalive: ['keepalive'],
  overlap: ['overlap'],
};
