/**
 * Sees every Node `Timeout` without wrapping setTimeout/setInterval: accessors on `Timeout.prototype` for
 * `_idleStart`, `_onTimeout` and `_destroyed`, which Node's own timer code assigns at creation, on every
 * (re)arm, on clear and at the end of life. Their values live in private class fields stamped onto the
 * timer (invisible to user code, `util.inspect` and reflection; ~free in V8). A Timeout that existed before
 * attach has own data properties that shadow the accessors; {@link TimerTracker.adopt} moves them into slots.
 *
 * Events per timer: arm (creation, time = the timer's own `_idleStart`), refresh (a later `_idleStart` that
 * is not an interval's re-arm), end (`_destroyed = true`: cleared, numeric clear, or a timeout's last fire).
 * Fires go through one shared trampoline that the `_onTimeout` getter hands to Node's `listOnTimeout`: it
 * measures lateness and callback time into a preallocated ring buffer and changes nothing else (same
 * `this`, arguments, return value and exceptions).
 */
import { FIRE_FIELDS, FIRE_OVERLAP, FIRE_THREW } from '../shared/agentProtocol';
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
  /** Node's own order of a Timeout's string keys (from a timer made before the hooks). */
  keyOrder?: readonly string[];
};

/** Per-site counters accumulated between flushes. */
export type SiteCounts = { created: number; cleared: number; fired: number; refreshed: number; live: number; dirty: boolean };

type AnyTimer = Record<string, any>;

const ReturnOverride = function (o: object) {
  return o;
} as unknown as new (o: object) => object;

let env: TrackerEnv;
let active = false;
let nextId = 1;
let lastFn: unknown;
let tokens = 0;
/** The interval whose callback just returned: its next `_idleStart` is Node's re-arm, not a refresh. */
let rearm: object | null = null;
const live: Tracked[] = [];
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
/** Timers with fires that did not fit in the ring since the last flush (each once). */
const unrecorded: Tracked[] = [];
const counts: SiteCounts[] = [];
const ended: [number, number, number][] = [];
const marks: [number, number, number][] = [];
/**
 * Ended timers keep their values in private slots; user code may still hold them (and read `_destroyed`, or
 * `refresh()` a fired timeout). So that `uninstall` can give every one of them its own properties back
 * without `Runtime.queryObjects` (full GCs), ended timers are remembered: strongly until the next flush
 * (cheap on the hot path), then weakly, pruned about once a second.
 */
let gone: Tracked[] = [];
/**
 * Under timer churn remembering every ended timer is most of the agent's cost (each one outlives the
 * young generation, then needs a WeakRef): past this many per flush they are forgotten, and `stop()` finds
 * every Timeout with one heap scan instead ({@link TimerTracker.forgotEnded}).
 */
const GONE_PER_FLUSH = 1000;
let goneBudget = GONE_PER_FLUSH;
let forgotEnded = false;
/** A new host took over: report every live timer (and every site's counts) again in the next batch. */
let reportAgain = false;
let goneRefs: WeakRef<Tracked>[] = [];
const descriptors = new Map<string, PropertyDescriptor | undefined>();
const HOOKED = ['_idleStart', '_onTimeout', '_destroyed'] as const;

function countsOf(site: number): SiteCounts {
  let c = counts[site];
  if (!c) c = counts[site] = { created: 0, cleared: 0, fired: 0, refreshed: 0, live: 0, dirty: true };
  c.dirty = true;
  return c;
}

/**
 * A tracked timer's bookkeeping, one object per timer behind a single private field. Keyed stores (private
 * fields, Node's own symbol properties) beyond V8's soft limit of 12 out-of-object fields turn an object
 * into a dictionary: with one field per value every tracked Timeout went dictionary-mode and all of Node's
 * timer code on it ran ~10x slower.
 */
class TimerMeta {
  id = 0;
  armed = false;
  site = -1;
  li = -1;
  fn: unknown = undefined;
  stk: string | undefined = undefined;
  interval = false;
  delay = 0;
  created = 0;
  nref = 0;
  ff = false;
  rep = false;
  refed = true;
  pend: unknown = undefined;
  req = 0;
  adopted = false;
  /** Fires not recorded because the ring was full (still counted as fired for the site). */
  nfire = 0;
}

class Tracked extends ReturnOverride {
  #cb: unknown = null;
  #is: unknown = null;
  #ds: unknown = false;
  /** Everything else in one object: see {@link TimerMeta}. */
  #m = new TimerMeta();

  static has(o: unknown): o is Tracked {
    return typeof o === 'object' && o !== null && #cb in o;
  }

  static stamp(o: object): Tracked {
    const t = new Tracked(o) as Tracked;
    t.#m.id = nextId++;
    return t;
  }

  // ---- accessors installed on Timeout.prototype (called with this = a Timeout) ----
  static getIdleStart(this: Tracked) {
    return #is in this ? this.#is : undefined;
  }
  static setIdleStart(this: Tracked, v: unknown) {
    if (!(#is in this)) Tracked.stamp(this);
    this.#is = v;
    if (v === null || !active) return;
    if (!this.#m.armed) Tracked.arm(this, v as number);
    else if (rearm === this) rearm = null;
    else Tracked.refreshed(this);
  }
  static getOnTimeout(this: Tracked) {
    if (!(#cb in this)) return undefined;
    const cb = this.#cb;
    return active && this.#m.armed && typeof cb === 'function' ? fire : cb;
  }
  static setOnTimeout(this: Tracked, v: unknown) {
    if (!(#cb in this)) Tracked.stamp(this);
    this.#cb = v;
  }
  static getDestroyed(this: Tracked) {
    return #ds in this ? this.#ds : undefined;
  }
  static setDestroyed(this: Tracked, v: unknown) {
    if (!(#ds in this)) Tracked.stamp(this);
    const was = this.#ds;
    this.#ds = v;
    if (!this.#m.armed || !active) return;
    if (v === true && was !== true) Tracked.end(this);
    else if (v === false && was === true) Tracked.revive(this);
  }

  // ---- lifecycle ----
  static arm(t: Tracked, start: number) {
    const fn = t.#cb;
    const raw = t as unknown as AnyTimer;
    t.#m.armed = true;
    t.#m.created = start;
    t.#m.fn = fn;
    t.#m.interval = Boolean(raw._repeat);
    t.#m.delay = raw._idleTimeout;
    t.#m.li = live.length;
    live.push(t);
    if (fn !== lastFn) {
      lastFn = fn;
      if (tokens > 0 && env.sites.wantsStack(fn)) {
        tokens--;
        t.#m.stk = env.stack();
      }
    }
    const req = env.currentRequest();
    if (req !== 0) t.#m.req = req;
    if (winLen < winCap) win[winLen++] = t.#m;
    else overflow++;
  }

  static refreshed(t: Tracked) {
    t.#m.ff = false;
    if (t.#m.site >= 0) countsOf(t.#m.site).refreshed++;
    else t.#m.nref++;
    // Refresh marks feed the timeline only (counts carry the numbers): 2,000 per flush. A busy HTTP server
    // refreshes its socket timers several times per request.
    if (t.#m.rep) {
      if (marks.length < 2000) marks.push([t.#m.id, env.now(), 0]);
      else dropped++;
    }
  }

  static end(t: Tracked) {
    const i = t.#m.li;
    if (i >= 0) {
      const last = live.pop()!;
      if (last !== t) {
        live[i] = last;
        last.#m.li = i;
      }
      t.#m.li = -1;
    }
    if (t.#m.site >= 0) {
      const c = countsOf(t.#m.site);
      c.live--;
      if (!t.#m.ff) c.cleared++;
    }
    if (t.#m.rep) {
      ended.push([t.#m.id, env.now(), t.#m.ff ? 1 : 0]);
      t.#m.rep = false;
    }
    // Costly under churn (bench/overhead.ts: ~3x on setTimeout+clearTimeout storms, every timer outlives
    // the young generation), but a timer user code still holds after detach must get all its own
    // properties back, cleared ones included.
    if (goneBudget > 0) {
      goneBudget--;
      gone.push(t);
    } else forgotEnded = true;
  }

  static revive(t: Tracked) {
    if (t.#m.li >= 0) return;
    t.#m.li = live.length;
    live.push(t);
    t.#m.ff = false;
    if (t.#m.site >= 0) countsOf(t.#m.site).live++;
  }

  static fire(this: Tracked) {
    const t = this;
    // Called detached (`const f = timer._onTimeout; f()`): nothing to measure, and `#cb in` would throw.
    if (typeof t !== 'object' || t === null || !(#cb in t)) return undefined;
    const cb = t.#cb as Function;
    if (!active) return Reflect.apply(cb, t, arguments);
    if (ringLen >= ringCap) {
      // The ring is full until the next flush: count the fire, skip the clocks (two performance.now()
      // calls cost about as much as Node's own work for a fire) and the overlap check. Interval-heavy
      // programs spend most fires here.
      t.#m.pend = undefined;
      dropped++;
      if (t.#m.nfire++ === 0) unrecorded.push(t);
      rearm = null;
      try {
        return Reflect.apply(cb, t, arguments);
      } finally {
        const raw = t as unknown as AnyTimer;
        if (raw._repeat) rearm = t;
        else if (!raw._idleNext) t.#m.ff = true;
      }
    }
    let flags = 0;
    const pending = t.#m.pend;
    if (pending !== undefined) {
      t.#m.pend = undefined;
      if (env.isPending(pending)) flags |= FIRE_OVERLAP;
    }
    rearm = null;
    const start = env.now();
    let ok = false;
    let r: unknown;
    try {
      r = Reflect.apply(cb, t, arguments);
      ok = true;
    } finally {
      const end = env.now();
      if (!ok) flags |= FIRE_THREW;
      const raw = t as unknown as AnyTimer;
      // Checked again: a callback may have run another timer's trampoline by hand.
      if (ringLen < ringCap) {
        const o = ringLen * 5;
        ring[o] = t.#m.id;
        ring[o + 1] = (t.#is as number) + raw._idleTimeout - env.loopOffset;
        ring[o + 2] = start;
        ring[o + 3] = end - start;
        ring[o + 4] = flags;
        ringT[ringLen++] = t.#m;
      } else {
        dropped++;
        if (t.#m.nfire++ === 0) unrecorded.push(t);
      }
      if (raw._repeat) rearm = t;
      else if (!raw._idleNext) t.#m.ff = true;
    }
    if (r !== null && typeof r === 'object' && env.isPromise(r)) t.#m.pend = r;
    return r;
  }

  // ---- flush (off the hot path) ----
  static classify(m: TimerMeta): number {
    if (m.site < 0) m.site = env.sites.classify(m.fn, m.stk, m.interval, m.delay);
    m.stk = undefined;
    return m.site;
  }

  static counted(m: TimerMeta) {
    const c = countsOf(Tracked.classify(m));
    c.created++;
    c.refreshed += m.nref;
    m.nref = 0;
    if (m.li >= 0) c.live++;
    else if (!m.ff) c.cleared++;
  }

  static report(m: TimerMeta, out: [number, number, number, number, number][]) {
    if (m.rep || m.li < 0) return;
    m.rep = true;
    const raw = live[m.li] as unknown as AnyTimer;
    m.refed = typeof raw.hasRef === 'function' ? Boolean(raw.hasRef()) : true;
    out.push([
      m.id,
      m.site,
      m.created - env.loopOffset,
      m.delay,
      (m.interval ? 1 : 0) | (m.refed ? 2 : 0) | (m.adopted ? 4 : 0) | (m.req !== 0 ? 8 : 0),
    ]);
  }

  static drain(batch: {
    timers?: [number, number, number, number, number][];
    fires?: number[];
    ended?: [number, number, number][];
    marks?: [number, number, number][];
  }) {
    const timers: [number, number, number, number, number][] = [];
    for (let i = 0; i < winLen; i++) {
      const m = win[i]!;
      win[i] = undefined;
      Tracked.counted(m);
      Tracked.report(m, timers);
    }
    winLen = 0;
    if (reportAgain) {
      reportAgain = false;
      for (const t of live) {
        t.#m.rep = false;
        if (t.#m.site >= 0) Tracked.report(t.#m, timers);
      }
      for (const c of counts) if (c) c.dirty = true;
    }
    if (overflow > 0) {
      // More creations than the window holds: classify the survivors; the rest were only counted.
      for (const t of live) {
        if (t.#m.site < 0) {
          Tracked.counted(t.#m);
          Tracked.report(t.#m, timers);
          overflow--;
        }
      }
      unsampled += Math.max(0, overflow);
      overflow = 0;
    }
    const fires: number[] = [];
    for (let i = 0; i < ringLen; i++) {
      const m = ringT[i]!;
      ringT[i] = undefined;
      const site = Tracked.classify(m);
      countsOf(site).fired++;
      const o = i * 5;
      // Microseconds are plenty for lateness and callback time, and halve the JSON the host receives.
      fires.push(ring[o], site, us(ring[o + 1]), us(ring[o + 2]), us(ring[o + 3]), ring[o + 4]);
    }
    ringLen = 0;
    for (const t of unrecorded) {
      countsOf(Tracked.classify(t.#m)).fired += t.#m.nfire;
      t.#m.nfire = 0;
    }
    unrecorded.length = 0;
    for (const g of gone) goneRefs.push(new WeakRef(g));
    gone = [];
    goneBudget = GONE_PER_FLUSH;
    if (timers.length) batch.timers = timers;
    if (fires.length) batch.fires = fires;
    if (ended.length) batch.ended = ended.splice(0);
    if (marks.length) batch.marks = marks.splice(0);
  }

  /** Slow scan (about once a second): ref/unref changes and timers that outlived their HTTP request. */
  static scan(now: number, finishedAt: (req: number) => number | undefined) {
    goneRefs = goneRefs.filter(r => r.deref() !== undefined);
    for (const t of live) {
      if (!t.#m.rep) continue;
      const raw = t as unknown as AnyTimer;
      const refed = typeof raw.hasRef === 'function' ? Boolean(raw.hasRef()) : true;
      if (refed !== t.#m.refed) {
        t.#m.refed = refed;
        marks.push([t.#m.id, now, refed ? 1 : 2]);
      }
      if (t.#m.req > 0) {
        const at = finishedAt(t.#m.req);
        if (at !== undefined) {
          marks.push([t.#m.id, at, 3]);
          t.#m.req = -t.#m.req;
        }
      }
    }
  }

  static adoptOne(o: AnyTimer): boolean {
    if (Tracked.has(o) || !Object.prototype.hasOwnProperty.call(o, '_onTimeout')) return false;
    // A sealed or frozen timer could not take its properties back (and `delete` would throw): leave it.
    if (!Object.isExtensible(o)) return false;
    if (o._destroyed !== false || !(o._idleTimeout >= 0) || typeof o._onTimeout !== 'function') return false;
    const cb = o._onTimeout;
    const is = o._idleStart;
    const ds = o._destroyed;
    for (const k of HOOKED) delete o[k];
    const t = Tracked.stamp(o);
    t.#cb = cb;
    t.#is = is;
    t.#ds = ds;
    t.#m.adopted = true;
    t.#m.armed = true;
    t.#m.created = typeof is === 'number' ? is : 0;
    t.#m.fn = cb;
    t.#m.interval = Boolean(o._repeat);
    t.#m.delay = o._idleTimeout;
    t.#m.li = live.length;
    live.push(t);
    if (winLen < winCap) win[winLen++] = t.#m;
    else overflow++;
    return true;
  }

  /** Puts a timer's slot values back into own data properties (after the accessors are gone). */
  static restoreOne(o: AnyTimer): boolean {
    if (!Tracked.has(o) || Object.prototype.hasOwnProperty.call(o, '_onTimeout')) return false;
    // User code sealed or froze it while tracked: adding the properties would throw in the middle of stop().
    if (!Object.isExtensible(o)) return false;
    const t = o as Tracked;
    const raw = o as AnyTimer;
    raw._idleStart = t.#is;
    raw._onTimeout = t.#cb;
    raw._destroyed = t.#ds;
    inNodeOrder(raw);
    return true;
  }

  static callbackOf(o: unknown): unknown {
    return Tracked.has(o) ? (o as Tracked).#cb : undefined;
  }
}

const fire = Tracked.fire;
const us = (ms: number) => Math.round(ms * 1000) / 1000;

/**
 * Re-adding the hooked properties puts them last; Node's constructor puts `_idleStart`/`_onTimeout` before
 * `_timerArgs`/`_repeat`. Rebuild the string keys in Node's order so that `Object.keys`, `util.inspect` and
 * `Object.getOwnPropertyNames` of a restored timer equal those of a never-tracked one (symbols keep theirs).
 */
function inNodeOrder(o: AnyTimer): void {
  const order = env?.keyOrder;
  if (!order || order.length === 0) return;
  const names = Object.getOwnPropertyNames(o);
  const want = order.filter(k => names.includes(k)).concat(names.filter(k => !order.includes(k)));
  if (want.every((k, i) => k === names[i])) return;
  const descs = want.map(k => Object.getOwnPropertyDescriptor(o, k)!);
  // Never half-rebuild a timer that user code sealed or froze.
  if (!Object.isExtensible(o) || descs.some(d => !d.configurable)) return;
  for (const k of names) delete o[k];
  want.forEach((k, i) => Object.defineProperty(o, k, descs[i]));
}

/** Public face of the tracker (one per thread). */
export const TimerTracker = {
  install(proto: object, e: TrackerEnv, opts: { windowCap: number; ringCapacity: number }) {
    env = e;
    winCap = opts.windowCap;
    ringCap = opts.ringCapacity;
    ring = new Float64Array(ringCap * 5);
    ringT = new Array(ringCap);
    win = new Array(Math.min(winCap, 1024));
    const acc: Record<string, [(this: Tracked) => unknown, (this: Tracked, v: unknown) => void]> = {
      _idleStart: [Tracked.getIdleStart, Tracked.setIdleStart],
      _onTimeout: [Tracked.getOnTimeout, Tracked.setOnTimeout],
      _destroyed: [Tracked.getDestroyed, Tracked.setDestroyed],
    };
    for (const k of HOOKED) {
      descriptors.set(k, Object.getOwnPropertyDescriptor(proto, k));
      Object.defineProperty(proto, k, { get: acc[k][0], set: acc[k][1], configurable: true, enumerable: false });
    }
    active = true;
  },
  /** Removes the accessors, restoring the prototype's own descriptors exactly. */
  uninstall(proto: object) {
    active = false;
    for (const k of HOOKED) {
      const d = descriptors.get(k);
      if (d) Object.defineProperty(proto, k, d);
      else delete (proto as AnyTimer)[k];
    }
    descriptors.clear();
    let n = 0;
    for (const t of live) if (Tracked.restoreOne(t)) n++;
    for (const t of gone) if (Tracked.restoreOne(t)) n++;
    for (const r of goneRefs) {
      const t = r.deref();
      if (t && Tracked.restoreOne(t)) n++;
    }
    gone = [];
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
  adopt: (o: AnyTimer) => Tracked.adoptOne(o),
  restore: (o: AnyTimer) => Tracked.restoreOne(o),
  callbackOf: (o: unknown) => Tracked.callbackOf(o),
  drain: Tracked.drain,
  scan: Tracked.scan,
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
