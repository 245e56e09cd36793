import type { RecordingDelta } from '../shared/recording';

/** Concatenates deltas in order into one (latest `nowMs` wins). Used to coalesce a burst before posting it. */
export function mergeDeltas(deltas: readonly RecordingDelta[]): RecordingDelta {
  if (deltas.length === 1) return deltas[0]!;
  const out: RecordingDelta = {};
  const keys = ['sites', 'timers', 'ended', 'fires', 'marks', 'gc', 'counters', 'loopDelay', 'findings'] as const;
  for (const d of deltas) {
    for (const k of keys) {
      const v = d[k];
      if (!v?.length) continue;
      const target = (out[k] ??= []) as unknown[];
      for (const x of v) target.push(x);
    }
    if (d.nowMs !== undefined) out.nowMs = Math.max(out.nowMs ?? -Infinity, d.nowMs);
  }
  return out;
}
