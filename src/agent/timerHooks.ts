/**
 * Sees every Node `Timeout` without wrapping setTimeout/setInterval: accessors on `Timeout.prototype` for
 * `_idleStart` and `_onTimeout`, the two properties every Timeout constructor assigns first
 * (`_idleStart = null`, then the callback). At `_idleStart` the {@link CreationSampler} decides whether to
 * track the timer; either way the timer ends up with its own data properties, defined through class fields
 * (fast, inline-cached defines) in Node's order, so that every Timeout keeps exactly the hidden class of a
 * timer made without the agent (`%HaveSameMap`, Node 18-24) and Node's timer code stays monomorphic:
 *
 * - not tracked (a storm's sampled-out creations): nothing of it runs through the agent again;
 * - tracked: its own `_onTimeout` is a trampoline made for it (a closure over its {@link TimerMeta}), which
 *   counts every fire, measures lateness and callback time for as many fires per flush as the ring holds,
 *   and changes nothing else (same `this`, arguments, return value and exceptions).
 *
 * Timers from before attach, and sampled-out ones found alive by {@link TimerTracker.walk}, are adopted the
 * same way (their `_onTimeout` swapped for a trampoline). `refresh()` goes through a wrapper on the
 * prototype. Clears (`_onTimeout = null`, `_destroyed`) are plain stores that no hook sees: each flush
 * checks its live timers, so a clear's time is the flush's (within `flushMs`). Detach puts every callback
 * and every prototype property back.
 */
import { FIRE_FIELDS, FIRE_OVERLAP, FIRE_THREW } from '../shared/agentProtocol';
import { CreationSampler } from './sampling';
import type { SiteTable } from './sites';

/** What the tracker needs from the rest of the agent. */
export type TrackerEnv = {
  now(): number;
  /** Loop time (`_idleStart`) minus `performance.now()`. */
  loopOffset: number;
  sites: SiteTable;
  stack(): string | undefined;
  /** Id of the HTTP request being handled right now, or 0. */
  currentRequest(): number;
  isPromise(v: unknown): boolean;
  isPending(p: unknown): boolean;
};

/** Per-site counters accumulated between flushes; `sampledAt`: last flush that counted a sampled timer. */
export type SiteCounts = { created: number; cleared: number; fired: number; refreshed: number; live: number; dirty: boolean; sampledAt: number };

type AnyTimer = Record<string, any>;

const ReturnOverride = function (o: object) {
  return o;
} as unknown as new (o: object) => object;

let pendingCb: unknown = null;
/**
 * A not-tracked timer: `_idleStart = null` (every Timeout constructor's first of the two), and
 * `_onTimeout` right after it (the constructor assigns the callback next, a plain store then). The
 * fallback when Node's layout is not one {@link layoutOf} knows.
 */
class NaturalShort extends ReturnOverride {
  _idleStart = null;
  _onTimeout = null;
}

/**
 * Why a not-tracked timer gets every property Node's constructor assigns after `_idleStart`, at once:
 * changing `Timeout.prototype` at all (the accessors) turns the constructor's four symbol-keyed stores
 * (`this[kRefed]`, `this[kHasPrimitive]`, the two async ids; Node 22+: the async context frame) into
 * megamorphic keyed stores for good: V8 re-learns a named store whose prototype changed, but a keyed
 * one goes megamorphic (`--log-ic`, Node 18-24). A megamorphic store that adds a property costs about
 * as much as the rest of `setTimeout` + `clearTimeout` (instruction counts under valgrind, Node 20: 4,077
 * per pair without the agent, 5,010 with an inert accessor on the prototype, 5,058 with the two-field
 * define, 4,272 with this one). Defined here, in Node's order and with values of the same kinds, they
 * are stores to existing fields: the timer ends with the map of a timer made without the agent.
 */
type NaturalClass = new (o: object) => object;
const LAYOUT_STRINGS = ['_idleStart', '_onTimeout', '_timerArgs', '_repeat', '_destroyed'] as const;
const LAYOUT_SYMBOLS = ['refed', 'kHasPrimitive', 'asyncId', 'triggerId', 'kAsyncContextFrame'] as const;

/** Node's own keys of a Timeout from `_idleStart` on, when they are the layout this file knows (Node 14-24). */
function layoutOf(probe: object): (string | symbol)[] | undefined {
  const keys = Reflect.ownKeys(probe);
  const k = keys.slice(keys.indexOf('_idleStart'));
  if (k.length !== 9 && k.length !== 10) return undefined;
  for (let i = 0; i < k.length; i++) {
    const key = k[i];
    const want = i < 5 ? LAYOUT_STRINGS[i] : LAYOUT_SYMBOLS[i - 5];
    if (i < 5 ? key !== want : typeof key !== 'symbol' || key.description !== want) return undefined;
  }
  return k;
}

/**
 * The classes that define Node's layout (see above; computed keys, no code from strings): `whole` for a
 * not-tracked timer at its `_idleStart`, `rest` (everything after `_onTimeout`) for a tracked one once its
 * trampoline is in: so that Node's later stores meet existing fields for both kinds of timer (tracked ones
 * adding those properties one by one made the stores polymorphic, ~15 % more instructions per pair).
 */
function layoutClasses(probe: object): { whole: NaturalClass; rest: NaturalClass | undefined } {
  const k = layoutOf(probe);
  if (!k) return { whole: NaturalShort, rest: undefined };
  const [, , , , , refed, prim, asyncId, triggerId, frame] = k as [string, string, string, string, string, symbol, symbol, symbol, symbol, symbol?];
  if (frame === undefined) {
    return {
      whole: class Natural9 extends ReturnOverride {
        _idleStart = null;
        _onTimeout = null;
        _timerArgs = undefined;
        _repeat = null;
        _destroyed = false;
        [refed] = true;
        [prim] = false;
        [asyncId] = 0;
        [triggerId] = 0;
      },
      rest: class Rest9 extends ReturnOverride {
        _timerArgs = undefined;
        _repeat = null;
        _destroyed = false;
        [refed] = true;
        [prim] = false;
        [asyncId] = 0;
        [triggerId] = 0;
      },
    };
  }
  const frameKey: symbol = frame;
  return {
    whole: class Natural10 extends ReturnOverride {
      _idleStart = null;
      _onTimeout = null;
      _timerArgs = undefined;
      _repeat = null;
      _destroyed = false;
      [refed] = true;
      [prim] = false;
      [asyncId] = 0;
      [triggerId] = 0;
      [frameKey] = undefined;
    },
    rest: class Rest10 extends ReturnOverride {
      _timerArgs = undefined;
      _repeat = null;
      _destroyed = false;
      [refed] = true;
      [prim] = false;
      [asyncId] = 0;
      [triggerId] = 0;
      [frameKey] = undefined;
    },
  };
}

let Natural: NaturalClass = NaturalShort;
let NaturalRest: NaturalClass | undefined;
/** A tracked timer: `_idleStart` now, its trampoline when the constructor assigns the callback. */
class NaturalIdle extends ReturnOverride {
  _idleStart = null;
}
class NaturalCallback extends ReturnOverride {
  _onTimeout = pendingCb;
}

function defineOwn(o: object, key: string, value: unknown): void {
  try {
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  } catch {
    /* a frozen object: nothing the agent may change */
  }
}

const GAP_UNKNOWN = 0.5;

/** A tracked timer's bookkeeping (the timer itself only gets a trampoline as its `_onTimeout`). */
class TimerMeta {
  id = 0;
  timer: AnyTimer | undefined = undefined;
  cb: unknown = undefined;
  tramp: unknown = undefined;
  site = -1;
  li = -1;
  stk: string | undefined = undefined;
  interval = false;
  delay = 0;
  /** Loop time of creation (the timer's `_idleStart` units). */
  created = 0;
  nref = 0;
  /** Ended by its last fire (a timeout), not cleared. */
  ff = false;
  rep = false;
  refed = true;
  pend: unknown = undefined;
  req = 0;
  /** Existed before attach. */
  adopted = false;
  /** Adopted after being sampled out at creation: its creation was counted through a sampled sibling's weight. */
  late = false;
  /** How many creations this timer stands for (the sampler's stride when it was made; 1 after a walk). */
  w = 1;
  /** Fires only counted (ring full), not yet added to the site. */
  nfire = 0;
  /** While its callback runs measured: the fire's start and scheduled time (see {@link firing}); else -1. */
  firingStart = -1;
  firingScheduled = 0;
  /**
   * Its `_onTimeout` is its own callback, not the trampoline: an interval running without it (see
   * {@link planIntervals}), its fires counted from how far its `_idleStart` moved; or a timeout that ended
   * by its fire (see {@link afterFire}), until a `refresh()` brings it back.
   */
  bare = false;
  /** Intervals: the `_idleStart` up to which its fires are counted. */
  idle = -1;
  /** Intervals: fires through the trampoline since {@link idle}. */
  wf = 0;
  /** Intervals: given its trampoline by this flush's plan (later passes of {@link planIntervals} skip it). */
  keep = false;
  /** Intervals: the flush in which it was last refreshed. */
  refreshedAt = -10;
  /** The flush of its last refresh mark. */
  markedAt = -1;
  /** Intervals: fires through the trampoline its gap ratio was learnt from. */
  learnt = 0;
  /**
   * Intervals: mean time between fires over the period, from its last window with the trampoline (≥ 1;
   * {@link GAP_UNKNOWN} before its first). A double from the start: a Smi field that later holds a double
   * changes the class of every TimerMeta (V8 deoptimized the agent's code in the middle of a storm).
   */
  gap = GAP_UNKNOWN;
}

let env: TrackerEnv;
let active = false;
let sampler = new CreationSampler(8192);
/** Creations until the sampler's next pick (module-level: see {@link setIdleStart}). */
let countdown = 1;
let nextId = 1;
let lastFn: unknown;
let tokens = 0;
let flushNo = 0;
/** The tracked timer between its `_idleStart` and its callback (both inside Node's constructor). */
let pendingMeta: TimerMeta | null = null;
let pendingObj: object | null = null;
const live: TimerMeta[] = [];
let win: (TimerMeta | undefined)[] = [];
let winLen = 0;
let winCap = 8192;
let overflow = 0;
let unsampled = 0;
let ring = new Float64Array(0);
let ringT: (TimerMeta | undefined)[] = [];
let ringLen = 0;
let ringCap = 0;
let dropped = 0;
/**
 * Fires measured (clocks, a record for the host) per flush window: about this many, spread over the window
 * by a jittered 1-in-N countdown (N from the last window's fire rate), so that a fixed firing order of
 * intervals cannot alias with it. Each record costs the host's JSON and the inspector's transport.
 */
const FIRES_MEASURED_PER_FLUSH = 256;
let fireCount = 0;
let fireStride = 1;
let fireCountdown = 1;
/** Per site: the last flush in which one of its fires was measured. */
let measuredAt: number[] = [];
/** Timers with fires that were only counted since the last flush (each once). */
const unrecorded: TimerMeta[] = [];
const counts: SiteCounts[] = [];
const ended: [number, number, number][] = [];
const marks: [number, number, number][] = [];
/** Trampoline → its timer's bookkeeping: which Timeouts are tracked, and their real callbacks. */
let trampolines = new WeakMap<object, TimerMeta>();
/**
 * Timeouts ended by their fire keep the trampoline as their `_onTimeout`; user code may still hold them
 * (and `refresh()` them). So that `uninstall` can give every one of them its callback back without
 * `Runtime.queryObjects` (full GCs), ended timers are remembered: strongly until the next flush, then
 * weakly, pruned about once a second. Past {@link GONE_PER_FLUSH} per flush they are forgotten and
 * `stop()` finds every Timeout with one heap scan.
 */
const gone: TimerMeta[] = [];
const GONE_PER_FLUSH = 1000;
let goneBudget = GONE_PER_FLUSH;
let forgotEnded = false;
/** A new host took over: report every live timer (and every site's counts) again in the next batch. */
let reportAgain = false;
let goneRefs: WeakRef<AnyTimer>[] = [];
const descriptors = new Map<string, PropertyDescriptor | undefined>();
const HOOKED = ['_idleStart', '_onTimeout'] as const;

function countsOf(site: number): SiteCounts {
  let c = counts[site];
  if (!c) c = counts[site] = { created: 0, cleared: 0, fired: 0, refreshed: 0, live: 0, dirty: true, sampledAt: -1e9 };
  c.dirty = true;
  return c;
}

// ---- accessors installed on Timeout.prototype (`this` = a Timeout under construction) ----

function getUndefined(): undefined {
  return undefined;
}

/**
 * The `_idleStart` setter over one layout class. Made per install so that the class is a constant
 * of their closure: V8 inlines a `new` of a constant (and drops the throwaway receiver of the return
 * override), not of a module-level `let`, which measured 15 % more instructions per set+clear pair.
 */
function idleStartSetter(N: NaturalClass) {
  const Layout = N;
  /**
   * Runs inside Node's Timeout constructor, which V8 inlines into setTimeout: kept tiny (a compare, a
   * decrement, a class-field define) so that it stays cheap.
   */
  function setIdleStart(this: AnyTimer, v: unknown): void {
    if (v === null && --countdown > 0) {
      new Layout(this);
      return;
    }
    idleStartSlow(this, v);
  }
  return setIdleStart;
}
let setIdleStart = idleStartSetter(NaturalShort);

function idleStartSlow(t: AnyTimer, v: unknown): void {
  // Not Node's constructor (it always starts with null): a plain property, nothing counted.
  if (v !== null) return defineOwn(t, '_idleStart', v);
  if (!active) {
    countdown = 1e9;
    new Natural(t);
    return;
  }
  const w = sampler.pick();
  countdown = sampler.gap;
  new NaturalIdle(t);
  const m = new TimerMeta();
  m.w = w;
  m.created = env.now() + env.loopOffset;
  pendingMeta = m;
  pendingObj = t;
}

function setOnTimeout(this: AnyTimer, v: unknown): void {
  // Not a Timeout in Node's constructor (which defines `_onTimeout` at `_idleStart`): a plain property.
  if (pendingObj !== this) return defineOwn(this, '_onTimeout', v);
  // Node 18/20 assign `_onTimeout = null` before the callback.
  if (v === null) return;
  const m = pendingMeta!;
  pendingMeta = pendingObj = null;
  if (typeof v !== 'function') return defineOwn(this, '_onTimeout', v);
  const tramp = track(m, this, v);
  pendingCb = tramp;
  new NaturalCallback(this);
  pendingCb = null;
  if (NaturalRest !== undefined) new NaturalRest(this);
  if (v !== lastFn) {
    lastFn = v;
    // Still inside the user's setTimeout call: the stack shows where the timer was made.
    if (tokens > 0 && env.sites.wantsStack(v)) {
      tokens--;
      m.stk = env.stack();
    }
  }
  const req = env.currentRequest();
  if (req !== 0) m.req = req;
  // The host's stop() can run at any call above (Node's inspector runs CDP commands at interrupts): one
  // that ran before the trampoline was this timer's own property could not give it its callback back.
  // Checked last, with no call between the check and the store.
  if (!active && this._onTimeout === tramp) this._onTimeout = v;
}

/** Starts tracking a timer whose callback is `cb`; returns the trampoline to put in its `_onTimeout`. */
function track(m: TimerMeta, timer: AnyTimer, cb: Function): Function {
  m.id = nextId++;
  m.timer = timer;
  // Now: a clear sets it to -1. (`_repeat`, assigned after the callback, is read at the flush.)
  m.delay = timer._idleTimeout;
  m.cb = cb;
  const tramp = trampolineFor(m);
  m.tramp = tramp;
  trampolines.set(tramp, m);
  m.li = live.length;
  live.push(m);
  if (winLen < winCap) win[winLen++] = m;
  else overflow++;
  return tramp;
}

/**
 * The `_onTimeout` of a tracked timer. Node calls it as `timer._onTimeout()` or
 * `ReflectApply(timer._onTimeout, timer, args)`; anything else (called detached, or on another object)
 * just runs the callback.
 */
function trampolineFor(m: TimerMeta): Function {
  return function (this: AnyTimer) {
    const cb = m.cb as Function;
    if (!active || this !== m.timer) return Reflect.apply(cb, this, arguments);
    if (m.li < 0) revive(m);
    fireCount++;
    // A site's first fire in a flush is always measured: a heartbeat beside thousands of fast fires would
    // otherwise rarely be (the countdown samples fires, not sites).
    const fresh = m.site >= 0 && measuredAt[m.site] !== flushNo;
    if ((--fireCountdown > 0 && !fresh) || ringLen >= ringCap) {
      // Not measured: count the fire, skip the clocks (two performance.now() calls cost about as much as
      // Node's own work for a fire) and the overlap check. Interval-heavy programs spend most fires here.
      if (fireCountdown <= 0) dropped++;
      m.pend = undefined;
      // An interval never ends by firing: no bookkeeping after its callback.
      if (this._repeat) {
        // Over budget, a new interval runs bare from its LEARN_FIRES-th fire on, without waiting for a plan.
        if (m.learnt + m.wf >= LEARN_FIRES && !m.keep && (overBudget || fireCount > INTERVAL_FIRES_PER_FLUSH) && selfBare(m, this)) {
          // This fire is counted from `_idleStart` once Node re-arms the interval; by hand when it will not be.
          try {
            return Reflect.apply(cb, this, arguments);
          } finally {
            if (!m.bare || this._idleTimeout === -1 || this._onTimeout !== cb) countOnly(m);
          }
        }
        countOnly(m);
        m.wf++;
        return Reflect.apply(cb, this, arguments);
      }
      countOnly(m);
      const outer = firing;
      firing = m;
      m.firingStart = -1;
      try {
        return Reflect.apply(cb, this, arguments);
      } finally {
        firing = outer;
        afterFire(m, this);
      }
    }
    if (fireCountdown <= 0) fireCountdown = fireStride === 1 ? 1 : 1 + Math.floor(Math.random() * (2 * fireStride - 1));
    if (m.site >= 0) measuredAt[m.site] = flushNo;
    if (this._repeat) m.wf++;
    let flags = 0;
    const pending = m.pend;
    if (pending !== undefined) {
      m.pend = undefined;
      if (env.isPending(pending)) flags |= FIRE_OVERLAP;
    }
    const scheduled = (this._idleStart as number) + this._idleTimeout - env.loopOffset;
    const start = env.now();
    let ok = false;
    let r: unknown;
    const outer = firing;
    firing = m;
    m.firingStart = start;
    m.firingScheduled = scheduled;
    try {
      r = Reflect.apply(cb, this, arguments);
      ok = true;
    } finally {
      firing = outer;
      const end = env.now();
      if (!ok) flags |= FIRE_THREW;
      // Checked again: a callback may have run another timer's trampoline by hand.
      if (!record(m, scheduled, start, end - start, flags)) {
        dropped++;
        countOnly(m);
      }
      afterFire(m, this);
    }
    if (r !== null && typeof r === 'object' && env.isPromise(r)) m.pend = r;
    return r;
  };
}

/**
 * The timer whose callback runs now. A callback that calls `process.exit()` never returns: the agent's
 * 'exit' listener finishes its fire record instead ({@link exitDuringFire}), so that the last batch
 * shows that fire and the timeout as ended.
 */
let firing: TimerMeta | null = null;

function exitDuringFire(): void {
  const m = firing;
  if (!m) return;
  firing = null;
  if (m.firingStart >= 0) record(m, m.firingScheduled, m.firingStart, env.now() - m.firingStart, 0);
  if (m.timer && !m.timer._repeat) end(m, true);
}

/** A fire record into the ring; false when the ring is full until the next flush. */
function record(m: TimerMeta, scheduled: number, start: number, duration: number, flags: number): boolean {
  // Detached while the callback ran (see {@link end}): nothing to record, nothing to count.
  if (!active) return true;
  if (ringLen >= ringCap) return false;
  const o = ringLen * 5;
  ring[o] = m.id;
  ring[o + 1] = scheduled;
  ring[o + 2] = start;
  ring[o + 3] = duration;
  ring[o + 4] = flags;
  ringT[ringLen++] = m;
  return true;
}

/** A fire counted for its site at the next flush, without a record. */
function countOnly(m: TimerMeta): void {
  if (m.nfire++ === 0 && active) unrecorded.push(m);
}

/**
 * After a callback: a timeout out of its list (not refreshed inside its callback) has ended. It gets its
 * own callback back now, so that nothing of the agent stays on a timer user code may hold (stop() has
 * nothing to look for: see {@link end}); `bareTimers` keeps its bookkeeping for a later `refresh()`.
 */
function afterFire(m: TimerMeta, t: AnyTimer): void {
  if (t._repeat || t._idleNext) return;
  // Frozen, it keeps the trampoline, and end() remembers it for stop().
  if (active && t === m.timer) goBare(m, t);
  end(m, true);
}

// ---- lifecycle ----

function end(m: TimerMeta, byFire: boolean): void {
  const i = m.li;
  // Not in `live` any more: the host's stop() ran inside this timer's callback (Node's inspector runs CDP
  // commands at interrupts while JavaScript runs) and emptied it. Ending it anyway threw into the program.
  if (i < 0 || live[i] !== m) return;
  const last = live.pop()!;
  if (last !== m) {
    live[i] = last;
    last.li = i;
  }
  m.li = -1;
  m.ff = byFire;
  m.pend = undefined;
  if (m.site >= 0) {
    const c = countsOf(m.site);
    c.live--;
    if (!byFire) c.cleared += m.late ? 1 : m.w;
  }
  if (m.rep) {
    ended.push([m.id, env.now(), byFire ? 1 : 0]);
    m.rep = false;
  }
  // A timer user code still holds after detach must get its callback back, ended ones too; a cleared one
  // has none (clearTimeout nulls `_onTimeout`, trampoline included), a bare one and one ended by its fire
  // (afterFire) have their own. Not remembering those matters: past the budget stop() scans the heap with
  // Runtime.queryObjects, which left an HTTP server (one cleared socket timeout per request) ~30 % slower
  // for as long as we watched it afterwards (a full GC alone does not).
  if (m.timer === undefined || m.timer._onTimeout !== m.tramp) return;
  if (goneBudget > 0) {
    goneBudget--;
    gone.push(m);
  } else forgotEnded = true;
}

/** A fired timeout `refresh()`ed fires again: alive again. */
function revive(m: TimerMeta): void {
  m.li = live.length;
  live.push(m);
  m.ff = false;
  if (m.site >= 0) {
    const c = countsOf(m.site);
    c.live++;
    c.refreshed++;
  } else m.nref++;
}

function refreshed(m: TimerMeta): void {
  if (m.site >= 0) countsOf(m.site).refreshed++;
  else m.nref++;
  // Refresh marks feed the timeline only (counts carry the numbers): one per timer and flush (a socket's
  // idle timer is refreshed on every read and write: a mark for each filled the 2,000 per flush, 50 KB of
  // JSON, on a busy server).
  if (m.rep && m.markedAt !== flushNo) {
    m.markedAt = flushNo;
    if (marks.length < 2000) marks.push([m.id, env.now(), 0]);
    else dropped++;
  }
}

/**
 * `Timeout.prototype.refresh` while attached: the original, then the count. Refreshes are plain stores
 * of `_idleStart` that no accessor sees; this wrapper costs a WeakMap lookup per `refresh()` (sockets
 * refresh their idle timers on every read and write).
 */
let originalRefresh: Function | undefined;
const NO_ARGS: [] = [];
const refreshHook = {
  refresh(this: AnyTimer) {
    const m = active ? metaOf(this) : undefined;
    const mine = m !== undefined && m.timer === this;
    // A refreshed interval's `_idleStart` jumps to now: a bare one's fires up to here are counted first.
    if (mine && m.bare && this._repeat) settle(m, this._idleStart);
    // Node's refresh() takes no arguments (and `arguments` here would be an allocation per call).
    const r = Reflect.apply(originalRefresh!, this, NO_ARGS);
    if (!mine) return r;
    if (this._repeat) {
      // Refreshed (often from its own callback, before Node re-arms it from the fire's start): its
      // `_idleStart` no longer tells its fires, so it counts through its trampoline again.
      m.refreshedAt = flushNo;
      goTrampoline(m, this);
      m.idle = this._idleStart;
      m.wf = 0;
    }
    if (m.li < 0) {
      // A timeout ended by its fire runs bare (afterFire): the trampoline again for its next fire.
      goTrampoline(m, this);
      revive(m);
    } else refreshed(m);
    return r;
  },
}.refresh;

// ---- flush (off the hot path) ----

function classify(m: TimerMeta): number {
  if (m.site < 0) {
    const t = m.timer!;
    m.interval = Boolean(t._repeat);
    m.site = env.sites.classify(m.cb, m.stk, m.interval, m.delay);
  }
  m.stk = undefined;
  return m.site;
}

function counted(m: TimerMeta): void {
  const c = countsOf(classify(m));
  if (m.w > 1) c.sampledAt = flushNo;
  // A survivor of a sampled-out storm was counted through a sampled sibling's weight, unless its site has
  // no sampled timer lately (a rare site that happened to create during a storm).
  if (!m.late || flushNo - c.sampledAt > 100) c.created += m.late ? 1 : m.w;
  c.refreshed += m.nref;
  m.nref = 0;
  if (m.li >= 0) c.live++;
  else if (!m.ff) c.cleared += m.late ? 1 : m.w;
}

function report(m: TimerMeta, out: [number, number, number, number, number][]): void {
  if (m.rep || m.li < 0) return;
  m.rep = true;
  const raw = m.timer!;
  m.refed = typeof raw.hasRef === 'function' ? Boolean(raw.hasRef()) : true;
  out.push([
    m.id,
    m.site,
    m.created - env.loopOffset,
    m.delay,
    (m.interval ? 1 : 0) | (m.refed ? 2 : 0) | (m.adopted ? 4 : 0) | (m.req !== 0 ? 8 : 0),
  ]);
}

/** What no hook sees, from the timers' own properties: clears (`_onTimeout = null`, `_destroyed`). */
function checkLive(): void {
  for (let i = live.length - 1; i >= 0; i--) {
    const m = live[i];
    const t = m.timer!;
    if (t._onTimeout !== (m.bare ? m.cb : m.tramp) || t._destroyed === true) {
      // A cleared interval keeps the `_idleStart` of its last fire.
      if (m.bare) settle(m, t._idleStart);
      end(m, false);
    }
  }
}

// ---- intervals without trampolines ----

/**
 * Interval fires through trampolines per flush at most. A trampoline is a call Node cannot inline:
 * an interval-heavy program (thousands of 1-5 ms intervals) ran about a quarter slower with one on every
 * interval, and Node's re-arm already tells what a count needs: each fire sets `_idleStart` to the loop
 * time the fire started, so an interval fired about (Δ `_idleStart`) / (period × its mean gap ratio)
 * times. Past this budget, intervals take turns: a few keep their trampoline (exact counts, lateness,
 * callback time, overlaps), the others run bare and are counted from `_idleStart`.
 */
const INTERVAL_FIRES_PER_FLUSH = 1000;
/** Over the budget, intervals expected to fire at most this often per flush keep their trampoline first. */
const FEW_FIRES_PER_FLUSH = 5;
/** Fires through its trampoline before an interval may run bare. */
const LEARN_FIRES = 10;
/**
 * Over the budget, intervals are planned every this many flushes (every flush below it): a plan visits
 * every live interval three times, and 2,000 of them made plans most of the agent's flush time. In
 * between, bare intervals are only counted ({@link settleBare}), and new ones go bare by themselves.
 */
const PLAN_EVERY = 5;
/** Where the next plan's turn starts in {@link live}. */
let turn = 0;
let lastPlan = -1;
/** The flush of the last plan. */
let plannedAt = -1e9;
/** The last plan found more expected interval fires than its budget. */
let overBudget = false;
/** Bare intervals (their `_onTimeout` is not a trampoline, so {@link trampolines} does not know them). */
let bareTimers = new WeakMap<object, TimerMeta>();

/**
 * This flush's gap ratio per period, from the intervals that had their trampoline over the window: they
 * share Node's list and the loop's timing with the bare ones of the same period, and lateness changes
 * with load (a ratio learnt at creation undercounted by a fifth in steady state).
 */
const gapByPeriod = new Map<number, { span: number; fires: number; base: number }>();
/** Intervals of every site keep their trampoline, in turn, over the budget. */
const SITE_SAMPLE = 2;

/**
 * Gap ratios are per site and period (its callbacks make its fires as late as they are; one line can make
 * intervals of several periods), and per period alone (key -period).
 */
function gapKey(m: TimerMeta, period: number): number {
  return m.site >= 0 ? m.site * 2097152 + Math.min(period, 2097151) : -period;
}
/**
 * The last gap ratio learnt per period (a period none of this flush's trampolined intervals has keeps
 * its last one). No upper bound: in a saturated loop a 1 ms interval fires every few hundred ms.
 */
const knownGap = new Map<number, number>();
/** Mean lateness of a fire (ms) over this flush's trampolined intervals, for periods without a gap of their own; -1: none. */
let loopLate = -1;

/** Expected fires of an interval in `dt` ms: fewer than dt / period when its fires are late. */
function costOf(m: TimerMeta, period: number, dt: number): number {
  return dt / (Math.max(1, period) * Math.max(1, m.gap));
}

/**
 * Counts the fires of a bare interval up to `idleStart` (its last fire's start); `learn`: with the gap
 * ratio its site and period have now (else the one it had).
 */
function settle(m: TimerMeta, idleStart: unknown, learn = true): void {
  if (typeof idleStart !== 'number') return;
  const d = idleStart - m.idle;
  if (m.idle >= 0 && d > 0) {
    const period = Math.max(1, m.timer!._repeat || m.delay);
    const g = learn ? (knownGap.get(gapKey(m, period)) ?? knownGap.get(-period)) : undefined;
    if (g !== undefined) m.gap = g;
    // No interval of this period kept its trampoline: its fires are as late as the others' (the loop's delay).
    else if (learn && loopLate >= 0) m.gap = (period + loopLate) / period;
    // At least one fire moved it, and consecutive fires are a period apart at least.
    const n = Math.min(Math.floor(d / period), Math.max(1, Math.round(d / (period * Math.max(1, m.gap)))));
    // Counted like a trampoline's counted fires: added to its site by drain() after the new timers are
    // classified (a site given here, before drain() counts a new timer's creation, counted its clear twice).
    if (n > 0) {
      if (m.nfire === 0) unrecorded.push(m);
      m.nfire += n;
    }
  }
  m.idle = idleStart;
}

/**
 * A new interval goes bare from the fire running now, with the gap ratio of its site and period; false
 * when there is none yet or its `_idleStart` tells nothing yet.
 */
function selfBare(m: TimerMeta, t: AnyTimer): boolean {
  if (flushNo - m.refreshedAt <= 2) return false;
  const idle = t._idleStart;
  const from = m.idle >= 0 ? m.idle : m.created;
  if (typeof idle !== 'number' || !(idle > from)) return false;
  // The ratio its site and period (a new interval's site is known from the next flush on: its period)
  // had over the last plan's window. Without one it waits for a plan: the first fires of a burst of new
  // intervals are late (the burst itself delays them), and ratios from them undercounted by a tenth.
  const g = knownGap.get(gapKey(m, Math.max(1, t._repeat)));
  if (g === undefined) return false;
  m.gap = g;
  m.learnt += m.wf;
  m.idle = idle;
  m.wf = 0;
  goBare(m, t);
  return m.bare;
}

/** Between plans: counts the fires of bare intervals since the last flush (each with its last gap ratio). */
function settleBare(): void {
  for (let i = 0; i < live.length; i++) {
    const m = live[i];
    if (m.bare) settle(m, m.timer!._idleStart, false);
  }
}

function goBare(m: TimerMeta, t: AnyTimer): void {
  if (m.bare || t._onTimeout !== m.tramp) return;
  try {
    t._onTimeout = m.cb;
  } catch {
    return;
  }
  m.bare = true;
  m.keep = false;
  bareTimers.set(t, m);
}

function goTrampoline(m: TimerMeta, t: AnyTimer): void {
  // After a stop() that ran inside the flush or a refresh() (an inspector interrupt): nothing to put back.
  if (!active || !m.bare || t._onTimeout !== m.cb) return;
  try {
    t._onTimeout = m.tramp;
  } catch {
    return;
  }
  m.bare = false;
  m.wf = 0;
  bareTimers.delete(t);
}

function keepTrampoline(m: TimerMeta, t: AnyTimer): void {
  goTrampoline(m, t);
  m.keep = true;
}

/**
 * After {@link checkLive}, every flush below the budget and every {@link PLAN_EVERY}th over it: counts bare
 * intervals' fires, learns each trampolined interval's gap ratio, and gives the trampolines (at most
 * {@link INTERVAL_FIRES_PER_FLUSH} expected fires per 100 ms) to the next intervals in turn. Below the
 * budget every interval keeps its trampoline: nothing changes for them.
 */
function planIntervals(): void {
  const now = env.now();
  const dt = lastPlan < 0 ? 100 : Math.max(1, now - lastPlan);
  lastPlan = now;
  plannedAt = flushNo;
  // The budgets are per 100 ms; a plan covers the time since the last one.
  const scale = dt / 100;
  const n = live.length;
  let total = 0;
  let bare = 0;
  gapByPeriod.clear();
  for (let i = 0; i < n; i++) {
    const m = live[i];
    const t = m.timer!;
    const period = t._repeat;
    if (!(period > 0)) continue;
    total += costOf(m, period, dt);
    // Turns are given anew below.
    m.keep = false;
    if (m.bare) {
      bare++;
      continue;
    }
    const idle = t._idleStart;
    if (typeof idle !== 'number') continue;
    // The first window starts at the timer's creation (its first arm).
    const from = m.idle >= 0 ? m.idle : m.created;
    // A refreshed interval's `_idleStart` says nothing about the time between its fires.
    if (m.wf > 0 && idle > from && flushNo - m.refreshedAt > 1) {
      m.gap = Math.max(1, (idle - from) / (m.wf * period));
      m.learnt += m.wf;
      // Per site, and per period for the site's new intervals not classified yet.
      for (const key of m.site >= 0 ? [gapKey(m, period), -period] : [-period]) {
        let g = gapByPeriod.get(key);
        if (!g) gapByPeriod.set(key, (g = { span: 0, fires: 0, base: 0 }));
        g.span += idle - from;
        g.fires += m.wf;
        g.base += m.wf * period;
      }
    }
    m.idle = idle;
    m.wf = 0;
  }
  let lateSum = 0;
  let lateFires = 0;
  for (const [key, g] of gapByPeriod) {
    if (g.fires < 3) continue;
    knownGap.set(key, Math.max(1, g.span / g.base));
    // Periods only (sites count the same fires again).
    if (key < 0) {
      lateSum += Math.max(0, g.span - g.base);
      lateFires += g.fires;
    }
  }
  if (lateFires >= 3) loopLate = lateSum / lateFires;
  if (knownGap.size > 1000) knownGap.clear();
  if (bare > 0) for (let i = 0; i < n; i++) if (live[i].bare) settle(live[i], live[i].timer!._idleStart);
  overBudget = total > INTERVAL_FIRES_PER_FLUSH * scale;
  if (!overBudget) {
    for (let i = 0; i < n; i++) if (live[i].timer!._repeat > 0) goTrampoline(live[i], live[i].timer!);
    return;
  }
  // Over budget. Intervals that fire a few times a flush at most keep theirs first (heartbeats, whose
  // every fire matters, and intervals slowed down by long callbacks: estimates are worst for those), then
  // the turn goes round the others from where the last flush stopped.
  if (turn >= n) turn = 0;
  let budget = INTERVAL_FIRES_PER_FLUSH * scale;
  // First a few of every site, in turn: each site keeps measured fires, and a gap ratio of its own for its
  // bare intervals (their callbacks make them as late as they are).
  const perSite = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    const m = live[(turn + k) % n];
    const t = m.timer!;
    if (!(t._repeat > 0)) continue;
    const key = gapKey(m, t._repeat);
    const had = perSite.get(key) ?? 0;
    if (had >= SITE_SAMPLE) continue;
    perSite.set(key, had + 1);
    budget -= costOf(m, t._repeat, dt);
    keepTrampoline(m, t);
  }
  for (let i = 0; i < n; i++) {
    const m = live[i];
    const t = m.timer!;
    if (!(t._repeat > 0) || m.keep) continue;
    const cost = costOf(m, t._repeat, dt);
    if (cost <= FEW_FIRES_PER_FLUSH * scale && cost <= budget) {
      budget -= cost;
      keepTrampoline(m, t);
    }
  }
  let next = -1;
  for (let k = 0; k < n; k++) {
    const i = (turn + k) % n;
    const m = live[i];
    const t = m.timer!;
    const period = t._repeat;
    if (!(period > 0) || m.keep) continue;
    const cost = costOf(m, period, dt);
    // Not bare before its gap ratio is known from a few fires (an interval that lives for a handful of
    // fires is cheap, and estimates were worst for those): it goes bare by itself at its LEARN_FIRES-th
    // fire (see {@link selfBare}), so it takes no turn.
    if (m.learnt < LEARN_FIRES && !m.bare) {
      goTrampoline(m, t);
      continue;
    }
    // Nor while it is being refreshed (a refresh moves `_idleStart` by less than a period), whatever the budget.
    if (cost <= budget || flushNo - m.refreshedAt <= 2) {
      budget -= cost;
      keepTrampoline(m, t);
    } else {
      if (next < 0) next = i;
      goBare(m, t);
    }
  }
  turn = next < 0 ? 0 : next;
}

type Batch = {
  timers?: [number, number, number, number, number][];
  fires?: number[];
  ended?: [number, number, number][];
  marks?: [number, number, number][];
};

function drain(batch: Batch): void {
  flushNo++;
  // O(live): past 20,000 tracked timers, clears and refreshes are looked for every 5th flush.
  if (live.length <= 20000 || flushNo % 5 === 0) checkLive();
  if (!overBudget || flushNo - plannedAt >= PLAN_EVERY) planIntervals();
  else settleBare();
  const timers: [number, number, number, number, number][] = [];
  for (let i = 0; i < winLen; i++) {
    const m = win[i]!;
    win[i] = undefined;
    counted(m);
    report(m, timers);
  }
  winLen = 0;
  if (reportAgain) {
    reportAgain = false;
    for (const m of live) {
      m.rep = false;
      if (m.site >= 0) report(m, timers);
    }
    for (const c of counts) if (c) c.dirty = true;
  }
  if (overflow > 0) {
    // More tracked timers than the window holds: classify the survivors; the rest were only counted.
    for (const m of live) {
      if (m.site < 0) {
        counted(m);
        report(m, timers);
        overflow--;
      }
    }
    unsampled += Math.max(0, overflow);
    overflow = 0;
  }
  const trackedNow = sampler.tracked;
  countdown = sampler.endWindow(countdown);
  unsampled += Math.max(0, sampler.created - trackedNow);
  const fires: number[] = [];
  for (let i = 0; i < ringLen; i++) {
    const m = ringT[i]!;
    ringT[i] = undefined;
    const site = classify(m);
    countsOf(site).fired += m.w;
    const o = i * 5;
    // Microseconds are plenty for lateness and callback time, and halve the JSON the host receives.
    fires.push(ring[o], site, us(ring[o + 1]), us(ring[o + 2]), us(ring[o + 3]), ring[o + 4]);
  }
  ringLen = 0;
  fireStride = Math.max(1, Math.ceil(fireCount / FIRES_MEASURED_PER_FLUSH));
  if (fireCountdown > 2 * fireStride) fireCountdown = 1;
  fireCount = 0;
  for (const m of unrecorded) {
    countsOf(classify(m)).fired += m.nfire * m.w;
    m.nfire = 0;
  }
  unrecorded.length = 0;
  for (let i = 0; i < gone.length; i++) {
    const g = gone[i];
    if (g.timer) goneRefs.push(new WeakRef(g.timer));
    // An ended timer's bookkeeping is reachable from its trampoline only: drop what pins memory.
    g.pend = undefined;
  }
  // Emptied in place: a new `[]` has another elements kind than a filled one (a map change that
  // deoptimized this function at every burst of ends).
  gone.length = 0;
  goneBudget = GONE_PER_FLUSH;
  if (timers.length) batch.timers = timers;
  if (fires.length) batch.fires = fires;
  if (ended.length) batch.ended = ended.splice(0);
  if (marks.length) batch.marks = marks.splice(0);
}

/** Slow scan (about once a second): ref/unref changes and timers that outlived their HTTP request. */
function scan(now: number, finishedAt: (req: number) => number | undefined): void {
  goneRefs = goneRefs.filter(r => r.deref() !== undefined);
  for (const m of live) {
    if (!m.rep) continue;
    const raw = m.timer!;
    const refed = typeof raw.hasRef === 'function' ? Boolean(raw.hasRef()) : true;
    if (refed !== m.refed) {
      m.refed = refed;
      marks.push([m.id, now, refed ? 1 : 2]);
    }
    if (m.req > 0) {
      const at = finishedAt(m.req);
      if (at !== undefined) {
        marks.push([m.id, at, 3]);
        m.req = -m.req;
      }
    }
  }
}

function metaOf(o: unknown): TimerMeta | undefined {
  if (typeof o !== 'object' || o === null) return undefined;
  const cb = (o as AnyTimer)._onTimeout;
  return typeof cb === 'function' ? (trampolines.get(cb) ?? bareTimers.get(o)) : undefined;
}

/**
 * Walks Node's timer lists: adopts every live timer not tracked yet (timers from before attach that were
 * firing when `start()` ran, survivors of a sampled-out storm), and lets every tracked one stand for itself
 * from now on (its untracked siblings are adopted now). Returns how many were adopted.
 */
function walk(lists: Record<string, any>, skip: unknown, late: boolean, max = WALK_ADOPT_MAX): number {
  let n = 0;
  for (const k of Object.keys(lists)) {
    const list = lists[k];
    let t = list && list._idleNext;
    for (let i = 0; t && t !== list && i < 1e6; i++, t = t._idleNext) {
      // stop() ran in the middle of the walk (an inspector interrupt in the agent's flush): adopting the
      // rest would give them trampolines that no one takes back.
      if (!active) return n;
      if (t === skip) continue;
      const m = metaOf(t);
      if (m) m.w = 1;
      else if (n >= max) {
        // Adopting costs about a microsecond a timer: tens of thousands at once stalled the program's
        // own timers by ~200 ms. The rest waits for the next walk (the agent walks again next flush).
        walkCut = true;
        return n;
      } else if (adoptOne(t, late)) n++;
    }
  }
  walkCut = false;
  sampler.untrackedSinceWalk = 0;
  return n;
}

/** Timers adopted per walk at most; see {@link walk}. */
const WALK_ADOPT_MAX = 2000;
/** The last walk stopped at {@link WALK_ADOPT_MAX}: more untracked timers are alive. */
let walkCut = false;

function adoptOne(o: AnyTimer, late = false): boolean {
  if (metaOf(o) || !Object.prototype.hasOwnProperty.call(o, '_onTimeout')) return false;
  if (o._destroyed !== false || !(o._idleTimeout >= 0) || typeof o._onTimeout !== 'function') return false;
  const desc = Object.getOwnPropertyDescriptor(o, '_onTimeout');
  // A frozen timer (or one whose callback user code made read-only) cannot take a trampoline: leave it.
  if (!desc || !desc.writable) return false;
  const m = new TimerMeta();
  m.adopted = !late;
  m.late = late;
  m.created = typeof o._idleStart === 'number' ? o._idleStart : 0;
  const tramp = track(m, o, o._onTimeout);
  // stop() ran inside track() (an inspector interrupt; see setOnTimeout): the timer keeps its callback.
  if (!active) return false;
  o._onTimeout = tramp;
  return true;
}

/** Gives a tracked timer its callback back. */
function restoreOne(o: AnyTimer): boolean {
  const m = metaOf(o);
  if (!m || m.timer !== o) return false;
  m.bare = false;
  try {
    o._onTimeout = m.cb;
    return o._onTimeout === m.cb;
  } catch {
    return false;
  }
}

const us = (ms: number) => Math.round(ms * 1000) / 1000;

/** Public face of the tracker (one per thread). */
export const TimerTracker = {
  /** `probe`: a Timeout made by Node's constructor (its own keys are the layout every Timeout gets). */
  install(proto: object, probe: object, e: TrackerEnv, opts: { windowCap: number; ringCapacity: number }) {
    env = e;
    const layout = layoutClasses(probe);
    Natural = layout.whole;
    NaturalRest = layout.rest;
    setIdleStart = idleStartSetter(Natural);
    sampler = new CreationSampler(opts.windowCap);
    countdown = sampler.gap;
    // The sampler keeps tracked creations near windowCap per flush; walks add the survivors they adopt.
    winCap = opts.windowCap * 2 + 4096;
    ringCap = opts.ringCapacity;
    ring = new Float64Array(ringCap * 5);
    ringT = new Array(ringCap);
    win = new Array(Math.min(winCap, 1024));
    trampolines = new WeakMap();
    bareTimers = new WeakMap();
    measuredAt = [];
    knownGap.clear();
    loopLate = -1;
    turn = 0;
    lastPlan = -1;
    plannedAt = -1e9;
    overBudget = false;
    const acc: Record<string, (this: AnyTimer, v: unknown) => void> = { _idleStart: setIdleStart, _onTimeout: setOnTimeout };
    for (const k of HOOKED) {
      descriptors.set(k, Object.getOwnPropertyDescriptor(proto, k));
      Object.defineProperty(proto, k, { get: getUndefined, set: acc[k], configurable: true, enumerable: false });
    }
    const r = Object.getOwnPropertyDescriptor(proto, 'refresh');
    if (r && typeof r.value === 'function' && r.configurable) {
      descriptors.set('refresh', r);
      originalRefresh = r.value;
      Object.defineProperty(proto, 'refresh', { ...r, value: refreshHook });
    }
    active = true;
  },
  /** Removes the accessors, restoring the prototype's own descriptors exactly, and every known callback. */
  uninstall(proto: object) {
    active = false;
    for (const k of HOOKED) {
      const d = descriptors.get(k);
      if (d) Object.defineProperty(proto, k, d);
      else delete (proto as AnyTimer)[k];
    }
    const r = descriptors.get('refresh');
    if (r) Object.defineProperty(proto, 'refresh', r);
    descriptors.clear();
    pendingMeta = pendingObj = null;
    let n = 0;
    for (const m of live) if (m.timer && restoreOne(m.timer)) n++;
    for (const m of gone) if (m.timer && restoreOne(m.timer)) n++;
    for (const r of goneRefs) {
      const t = r.deref();
      if (t && restoreOne(t)) n++;
    }
    gone.length = 0;
    goneRefs = [];
    live.length = 0;
    win = [];
    winLen = 0;
    ringT = [];
    ringLen = 0;
    unrecorded.length = 0;
    return n;
  },
  reportAgain() {
    reportAgain = true;
  },
  setTokens(n: number) {
    tokens = n;
  },
  adopt: (o: AnyTimer) => adoptOne(o),
  /** After uninstall: a Timeout from the heap scan that still has a trampoline gets its callback back. */
  restore: (o: AnyTimer) => restoreOne(o),
  /** The real callback of a tracked Timeout (its `_onTimeout` is the agent's trampoline). */
  callbackOf: (o: unknown) => metaOf(o)?.cb,
  /** The thread exits inside a callback: record that fire (see {@link exitDuringFire}). */
  exitDuringFire,
  /** Adopts live timers not tracked yet (at most `max`); `late`: they were made after attach (sampled out). */
  walk: (lists: Record<string, any>, skip: unknown, late: boolean) => walk(lists, skip, late),
  /** Creations since the last walk that were not tracked (a walk would find the survivors). */
  get untrackedSinceWalk() {
    return sampler.untrackedSinceWalk;
  },
  /** The last walk left timers to adopt: walk again at the next flush. */
  get walkCut() {
    return walkCut;
  },
  drain,
  scan,
  takeCounts(): [number, number, number, number, number, number, number][] {
    const out: [number, number, number, number, number, number, number][] = [];
    for (let s = 0; s < counts.length; s++) {
      const c = counts[s];
      if (!c || !c.dirty) continue;
      out.push([s, c.created, c.cleared, c.fired, c.refreshed, c.live, 0]);
      c.created = c.cleared = c.fired = c.refreshed = 0;
      c.dirty = false;
    }
    return out;
  },
  get live() {
    return live.length;
  },
  /** Some ended timers were not remembered: `stop()` needs every Timeout of the heap to restore them. */
  get forgotEnded() {
    return forgotEnded;
  },
  get dropped() {
    return dropped;
  },
  get unsampled() {
    return unsampled;
  },
  get active() {
    return active;
  },
  FIRE_FIELDS,
};
