import type { CounterSample, RecordedFire, RecordedGc } from '../src/shared/recording';
import { laneAt, type Lane } from '../src/model/timelineLanes';
import { lowerBound } from '../src/model/timelineSearch';
import type { TimelineStore } from '../src/model/timelineStore';
import { MIN_SLICE_PX } from './drawSlices';
import { AXIS_HEIGHT, LABEL_WIDTH, type Viewport } from './viewport';

/** What is under the pointer. */
export type Hit =
  | { kind: 'axis' }
  | { kind: 'label'; lane: Lane; index: number }
  | { kind: 'fire'; lane: Lane; index: number; fire: RecordedFire }
  | { kind: 'gc'; lane: Lane; index: number; gc: RecordedGc }
  | { kind: 'counter'; lane: Lane; index: number; sample: CounterSample }
  | { kind: 'lane'; lane: Lane; index: number };

/** Pointer slack in px: thin slices stay hoverable. */
const SLACK = 3;

/** The fire in `fires` nearest to canvas x, within the slack. */
export function fireAt(fires: readonly RecordedFire[], vp: Viewport, x: number, maxDurationMs: number): RecordedFire | null {
  const t = vp.toT(x);
  const slackMs = SLACK / vp.scale;
  let best: RecordedFire | null = null;
  let bestDist = Infinity;
  for (let i = lowerBound(fires, t - slackMs - maxDurationMs, f => f.startMs); i < fires.length; i++) {
    const f = fires[i]!;
    if (f.startMs > t + slackMs) break;
    const x0 = vp.toX(f.startMs);
    const x1 = Math.max(x0 + MIN_SLICE_PX, vp.toX(f.startMs + f.durationMs));
    const dist = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
    // Among overlapping candidates prefer the one that starts closest: the narrowest slice under the pointer.
    if (dist <= SLACK && (dist < bestDist || (dist === bestDist && dist === 0))) {
      best = f;
      bestDist = dist;
    }
  }
  return best;
}

/** Finds what is at canvas point (x, y). */
export function hitTest(
  store: TimelineStore,
  lanes: readonly Lane[],
  counters: ReadonlyMap<number, CounterSample[]>,
  vp: Viewport,
  x: number,
  y: number,
): Hit | null {
  if (y < AXIS_HEIGHT) return { kind: 'axis' };
  const index = laneAt(lanes, y - AXIS_HEIGHT + vp.scrollY);
  if (index < 0) return null;
  const lane = lanes[index]!;
  if (x < LABEL_WIDTH) return { kind: 'label', lane, index };
  const t = vp.toT(x);
  let fires: readonly RecordedFire[] | undefined;
  switch (lane.kind) {
    case 'loop':
      fires = store.loop.get(lane.threadId ?? 0);
      break;
    case 'site':
      fires = store.sites.get(lane.siteId!)?.fires;
      break;
    case 'timer':
      fires = store.timers.get(lane.timerId!)?.fires;
      break;
    case 'gc': {
      const slack = SLACK / vp.scale;
      const gc = store.gc.find(g => t >= g.startMs - slack && t <= g.startMs + g.durationMs + slack);
      return gc ? { kind: 'gc', lane, index, gc } : { kind: 'lane', lane, index };
    }
    case 'counter': {
      let sample: CounterSample | undefined;
      for (const samples of counters.values()) {
        const i = lowerBound(samples, t, c => c.tMs) - 1;
        if (i >= 0 && (!sample || samples[i]!.live > sample.live)) sample = samples[i];
      }
      return sample ? { kind: 'counter', lane, index, sample } : { kind: 'lane', lane, index };
    }
  }
  const fire = fires ? fireAt(fires, vp, x, store.maxDurationMs) : null;
  return fire ? { kind: 'fire', lane, index, fire } : { kind: 'lane', lane, index };
}
