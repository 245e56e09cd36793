/**
 * Process-wide measurements inside the target: event-loop delay (`monitorEventLoopDelay`, a native
 * histogram: no JS per sample), GC pauses (`PerformanceObserver` 'gc') and the HTTP request a timer is
 * created under (diagnostics_channel; a current-request marker instead of AsyncLocalStorage, which would
 * turn on promise hooks for the whole process).
 */
type Req = (name: string) => any;

type Histogram = {
  enable(): void;
  disable(): void;
  reset(): void;
  percentile(p: number): number;
  max: number;
  count?: number;
};

export type LoopStats = { p50: number; p99: number; max: number };

/**
 * Sampling period of the loop-delay histogram; Node records whole periods, so it is subtracted. Each
 * sample is a timer wakeup: at 10 ms an otherwise idle process spent ~6 ms of CPU per second on them.
 */
const RESOLUTION_MS = 20;
/** GCs per flush above which the 'gc' observer is duty-cycled (200 per second at 100 ms). */
const GC_OBSERVER_MAX = 20;
/** While duty-cycled, the observer listens one flush window in this many. */
const GC_DUTY = 10;
/**
 * Finished requests remembered (1 MB once the process serves HTTP): the slow scan that looks for timers
 * that outlived their request runs about once a second, and 65,536 requests last over 4 s at 15,000 a second.
 */
const FINISHED_RING = 1 << 16;
const RESOLVED = Promise.resolve();

function stats(h: Histogram): LoopStats | undefined {
  if (!(h.max > 0)) return undefined;
  const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - RESOLUTION_MS);
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

export class ProcessStats {
  private windowHist?: Histogram;
  private totalHist?: Histogram;
  private gcObserver?: { observe(o: object): void; disconnect(): void };
  private gcObserving = false;
  /** Flush windows left before the duty-cycled observer listens again (0: listening). */
  private gcQuiet = 0;
  private gc: [number, number][] = [];
  private channels: { name: string; fn: (msg: any) => void }[] = [];
  private dc?: any;
  private current = 0;
  /** The request object of `current` until a timer is made under it (then it is in `reqIds`). */
  private currentObj: object | undefined;
  private clearPending = false;
  private readonly clearCurrent = () => {
    this.clearPending = false;
    this.current = 0;
    this.currentObj = undefined;
  };
  private reqSeq = 0;
  private readonly reqIds = new WeakMap<object, number>();
  /**
   * When each of the last {@link FINISHED_RING} requests finished, in slots by id (ids are sequential; a
   * slot holds its id, so an unfinished or overwritten one reads as unknown); allocated at the first
   * response. Not a Map trimmed from its front: V8 keeps deleted entries as holes until it rehashes, and
   * every `keys().next()` walked over them (68 µs a response after 100,000 requests, and growing).
   */
  private finishedIds?: Float64Array;
  private finishedTimes?: Float64Array;
  /** Worker objects of this thread (from process 'worker' events), to tell which ones are unref'd. */
  private workers: WeakRef<any>[] = [];
  private readonly onWorker = (w: unknown) => {
    if (this.workers.length < 10000) this.workers.push(new WeakRef(w as object));
  };

  constructor(private readonly req: Req, private readonly now: () => number) {}

  start(http: boolean): void {
    try {
      const { monitorEventLoopDelay, PerformanceObserver } = this.req('perf_hooks');
      // Two histograms with the same period: their timers expire in the same wakeup (the second one
      // costs next to nothing; an ELD histogram cannot be added into a recordable one).
      this.windowHist = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      this.totalHist = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
      this.windowHist!.enable();
      this.totalHist!.enable();
      const obs = new PerformanceObserver((list: any) => {
        for (const e of list.getEntries()) if (this.gc.length < 2000) this.gc.push([e.startTime, e.duration]);
      });
      this.gcObserver = obs;
      this.observeGc(true);
    } catch {
      /* very old Node: no loop/GC numbers */
    }
    if (http) this.startHttp();
    try {
      process.on('worker', this.onWorker);
    } catch {
      /* no 'worker' event on this Node */
    }
  }

  /**
   * [threadId, 1 = ref'd | 0 = unref'd] of the live Worker objects created since attach. Worker#hasRef is
   * not in every Node; its native handle (kHandle) has one from Node 18 on. (The public port is no guide:
   * Node refs it only while 'message' listeners exist.)
   */
  workerRefs(): [number, number][] | undefined {
    if (this.workers.length === 0) return undefined;
    const out: [number, number][] = [];
    this.workers = this.workers.filter(r => r.deref() !== undefined);
    for (const r of this.workers) {
      const w = r.deref();
      if (!w || !(w.threadId >= 0)) continue;
      let refed = 1;
      try {
        if (typeof w.hasRef === 'function') refed = w.hasRef() ? 1 : 0;
        else {
          const sym = Object.getOwnPropertySymbols(w).find(s => s.description === 'kHandle');
          const handle = sym && w[sym];
          if (handle && typeof handle.hasRef === 'function') refed = handle.hasRef() ? 1 : 0;
        }
      } catch {
        /* keep the default */
      }
      out.push([w.threadId, refed]);
    }
    return out;
  }

  private startHttp(): void {
    try {
      this.dc = this.req('diagnostics_channel');
      if (typeof this.dc.subscribe !== 'function') return;
    } catch {
      return;
    }
    const onStart = (msg: any) => {
      const id = ++this.reqSeq;
      this.current = id;
      this.currentObj = msg && typeof msg.request === 'object' ? msg.request : undefined;
      // The request handler runs synchronously right after this message; clear the marker after it, at
      // the next microtask checkpoint (one clear serves every request started before it). Not
      // queueMicrotask: Node makes an AsyncResource and a bound function for each call.
      if (!this.clearPending) {
        this.clearPending = true;
        RESOLVED.then(this.clearCurrent);
      }
    };
    const onFinish = (msg: any) => {
      const id = msg && typeof msg.request === 'object' ? this.reqIds.get(msg.request) : undefined;
      if (id === undefined) return;
      if (!this.finishedIds || !this.finishedTimes) {
        this.finishedIds = new Float64Array(FINISHED_RING);
        this.finishedTimes = new Float64Array(FINISHED_RING);
      }
      const slot = id & (FINISHED_RING - 1);
      this.finishedIds[slot] = id;
      this.finishedTimes[slot] = this.now();
    };
    for (const [name, fn] of [
      ['http.server.request.start', onStart],
      ['http.server.response.finish', onFinish],
    ] as const) {
      try {
        this.dc.subscribe(name, fn);
        this.channels.push({ name, fn });
      } catch {
        /* channel unknown on this Node */
      }
    }
  }

  /**
   * The request being handled (0: none), for a timer created now. Its finish is remembered only from
   * here on: most requests make no timer (a WeakMap entry for each cost more than the rest of the
   * bookkeeping together).
   */
  currentRequest(): number {
    const id = this.current;
    if (id !== 0 && this.currentObj !== undefined) {
      this.reqIds.set(this.currentObj, id);
      this.currentObj = undefined;
    }
    return id;
  }

  finishedAt(id: number): number | undefined {
    const slot = id & (FINISHED_RING - 1);
    return this.finishedIds?.[slot] === id ? this.finishedTimes![slot] : undefined;
  }

  takeWindow(): { loop?: LoopStats; loopTotal?: LoopStats; gc?: [number, number][]; gcWeight?: number } {
    // One shape every time (see makeBatch).
    const out: { loop?: LoopStats; loopTotal?: LoopStats; gc?: [number, number][]; gcWeight?: number } = {
      loop: undefined,
      loopTotal: undefined,
      gc: undefined,
      gcWeight: undefined,
    };
    if (this.windowHist) {
      out.loop = stats(this.windowHist);
      this.windowHist.reset();
    }
    if (this.totalHist) out.loopTotal = stats(this.totalHist);
    if (this.gcObserver) this.dutyCycleGc(out);
    if (this.gc.length) out.gc = this.gc.splice(0);
    return out;
  }

  private observeGc(on: boolean): void {
    if (on === this.gcObserving || !this.gcObserver) return;
    try {
      if (on) this.gcObserver.observe({ entryTypes: ['gc'] });
      else this.gcObserver.disconnect();
      this.gcObserving = on;
    } catch {
      /* keep what is */
    }
  }

  /**
   * The 'gc' PerformanceObserver costs JavaScript for every GC (an entry object, a callback): code that
   * scavenges every millisecond (promise-heavy code, timer churn) lost ~8% of its throughput to it
   * (bench/overhead.ts; `v8.GCProfiler`, tried before, took heap statistics at every GC and cost 50%).
   * Past {@link GC_OBSERVER_MAX} GCs in a window the observer listens one window in {@link GC_DUTY}; the
   * batch's `gcWeight` tells the host how many GCs each recorded one stands for. Long pauses are rare major
   * GCs: the event-loop delay histogram (native, always on) still sees every stall.
   */
  private dutyCycleGc(out: { gcWeight?: number }): void {
    if (this.gcQuiet > 0) {
      if (--this.gcQuiet === 0) this.observeGc(true);
      return;
    }
    if (this.gc.length > GC_OBSERVER_MAX) {
      out.gcWeight = GC_DUTY;
      this.gcQuiet = GC_DUTY - 1;
      this.observeGc(false);
    }
  }

  stop(): void {
    try {
      this.windowHist?.disable();
      this.totalHist?.disable();
      this.observeGc(false);
      this.gcObserver = undefined;
    } catch {
      /* best effort */
    }
    for (const c of this.channels) {
      try {
        this.dc.unsubscribe(c.name, c.fn);
      } catch {
        /* ignore */
      }
    }
    this.channels = [];
    process.removeListener('worker', this.onWorker);
    this.workers = [];
  }
}
