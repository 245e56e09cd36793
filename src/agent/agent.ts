/**
 * The in-target agent (bundled to dist/agent.js as an IIFE and run with `Runtime.evaluate`). Evaluating it
 * only defines the non-enumerable global {@link AGENT_GLOBAL}; nothing is hooked until the host calls
 * `start()`. Evaluating it again is a no-op while an agent of the same protocol is there.
 *
 * It never throws into user code: hooks only touch private slots, and everything else runs from its own
 * unref'd flush interval. It pushes batches through a `Runtime.addBinding` function at most every
 * `flushMs`, and removes itself (restoring every descriptor and every timer's own properties) on `stop()`,
 * or by itself when the host stops pinging (the host vanished without detaching).
 */
import {
  AGENT_GLOBAL,
  AGENT_PROTOCOL_VERSION,
  DEFAULT_AGENT_OPTIONS,
  type AgentBatch,
  type AgentHello,
  type AgentStartOptions,
} from '../shared/agentProtocol';
import { scanHeapForTimeouts } from './heapScan';
import { ProcessStats } from './processStats';
import { SiteTable, sampleStack } from './sites';
import { TimerTracker } from './timerHooks';

type Req = (name: string) => any;

function getRequire(): Req | undefined {
  const p = process as unknown as { getBuiltinModule?: Req; mainModule?: { require: Req } };
  if (typeof p.getBuiltinModule === 'function') return (n: string) => p.getBuiltinModule!(n);
  if (p.mainModule && typeof p.mainModule.require === 'function') return (n: string) => p.mainModule!.require(n);
  // Not `require`: in this bundle esbuild turns it into a shim that throws when no real one is in scope
  // (Runtime.evaluate runs at global scope). `Runtime.evaluate` with includeCommandLineAPI puts Node's
  // `require` on the global object while it runs (ESM programs on Node < 20.16).
  const globalRequire = (globalThis as { require?: unknown }).require;
  if (typeof globalRequire === 'function') return globalRequire as Req;
  return undefined;
}

function createAgent(req: Req) {
  const g = globalThis as Record<string, any>;
  const timers = req('timers');
  const util = req('util');
  const { performance } = req('perf_hooks');
  const threadId: number = (() => {
    try {
      return req('worker_threads').threadId as number;
    } catch {
      return 0;
    }
  })();
  const noop = () => undefined;
  const probe = timers.setTimeout(noop, 1e9);
  const proto = Object.getPrototypeOf(probe);
  timers.clearTimeout(probe);
  const now = () => performance.now() as number;

  let running = false;
  let opts: AgentStartOptions;
  let flushTimer: any;
  let seq = 0;
  let tick = 0;
  let lists: Record<string, any> | undefined;
  let sites = new SiteTable();
  let stats: ProcessStats | undefined;
  /**
   * The hosts watching this thread (a CLI watch and the VS Code extension may watch one process): each
   * one's `Runtime.addBinding` function, taken off the global object so user code never sees it, and its
   * last ping. Every batch goes to every host; the agent removes itself when the last one leaves.
   */
  const hosts = new Map<string, { fn: (payload: string) => void; lastPing: number }>();

  function takeBinding(name: string): void {
    const fn = g[name];
    if (typeof fn !== 'function') return;
    hosts.set(name, { fn, lastPing: now() });
    try {
      delete g[name];
    } catch {
      /* leave it */
    }
  }

  /** `_idleStart` is libuv loop time; performance.now() has another zero. Calibrated before hooking. */
  function loopOffset(): number {
    let best = -Infinity;
    for (let i = 0; i < 5; i++) {
      const t = timers.setTimeout(noop, 1e9);
      best = Math.max(best, t._idleStart - now());
      timers.clearTimeout(t);
    }
    return best;
  }

  function isPending(p: unknown): boolean {
    try {
      return String(util.inspect(p, { depth: 0, customInspect: false })).slice(0, 60).includes('<pending>');
    } catch {
      return false;
    }
  }

  /**
   * Walks Node's timer lists. The host's call can run in the middle of a timer's callback (CDP messages are
   * handled at interrupts), and Node takes a firing timer out of its list until the callback returns: such
   * a timer is missed by the adoption at start, so the first flushes walk the lists. Later, about once a
   * second while the tracker samples creations (a storm), the walk adopts the sampled-out timers that are
   * still alive: long-lived timers get exact live counts, lateness and callback times.
   */
  function walkLists(): void {
    if (!lists) return;
    const sampledOut = TimerTracker.untrackedSinceWalk > 0;
    if (seq >= 5 && !TimerTracker.walkCut && !(sampledOut && tick % 10 === 0)) return;
    TimerTracker.walk(lists, flushTimer, sampledOut);
  }

  function makeBatch(): AgentBatch {
    const t = now();
    walkLists();
    // One shape for every batch (JSON leaves the undefined ones out): properties added to some batches
    // only made a map per combination of them, which the flush code meets one by one (each a deopt).
    const batch: AgentBatch = {
      seq: ++seq,
      now: t,
      threadId,
      sites: undefined,
      timers: undefined,
      ended: undefined,
      fires: undefined,
      marks: undefined,
      counts: undefined,
      loop: undefined,
      loopTotal: undefined,
      workers: undefined,
      gc: undefined,
      gcWeight: undefined,
      live: 0,
      dropped: 0,
      unsampled: 0,
      bye: undefined,
    };
    if (++tick % 10 === 0) {
      TimerTracker.scan(t, id => stats?.finishedAt(id));
      const workers = stats?.workerRefs();
      if (workers) batch.workers = workers;
    }
    TimerTracker.drain(batch);
    const fresh = sites.takeFresh();
    if (fresh) batch.sites = fresh;
    const counts = TimerTracker.takeCounts();
    if (counts.length) batch.counts = counts;
    if (stats) {
      const w = stats.takeWindow();
      batch.loop = w.loop;
      batch.loopTotal = w.loopTotal;
      batch.gc = w.gc;
      batch.gcWeight = w.gcWeight;
    }
    batch.live = TimerTracker.live;
    batch.dropped = TimerTracker.dropped;
    batch.unsampled = TimerTracker.unsampled;
    TimerTracker.setTokens(opts.stacksPerFlush);
    sites.newFlush();
    return batch;
  }

  /** To every host (a host whose binding throws is gone); false when no host is left. */
  function send(batch: AgentBatch, only?: string): boolean {
    const json = JSON.stringify(batch);
    for (const [name, h] of hosts) {
      if (only !== undefined && name !== only) continue;
      try {
        h.fn(json);
      } catch {
        hosts.delete(name);
      }
    }
    return hosts.size > 0;
  }

  /** The thread is exiting: a last batch, so that short programs are recorded to their end. */
  function onExit(): void {
    if (!running) return;
    TimerTracker.exitDuringFire();
    const last = makeBatch();
    last.bye = 'the program exited';
    send(last);
  }

  function flush(): void {
    if (!running) return;
    // A host that stopped pinging vanished without detaching; the agent goes with the last one.
    const stale = [...hosts].filter(([, h]) => now() - h.lastPing > opts.heartbeatTimeoutMs);
    // All gone: the goodbye still goes to their bindings (a host that only stalled learns why).
    if (stale.length === hosts.size) return selfStop('heartbeat lost');
    for (const [name] of stale) hosts.delete(name);
    let batch: AgentBatch;
    try {
      batch = makeBatch();
    } catch (err) {
      // A bug of ours must never surface in the user's process (this runs as one of its timers).
      return selfStop(`agent error: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!send(batch)) selfStop('binding gone');
  }

  /**
   * Host gone (a binding call cannot fail when its session closed, so the heartbeat tells): remove
   * everything. Every stamped timer is known to the tracker, so no heap walk is needed.
   */
  function selfStop(reason: string): void {
    api.stop(undefined, reason);
  }

  let scanned: unknown[] | undefined;

  /** Every Timeout in the heap (see {@link scanHeapForTimeouts}); undefined without an inspector. */
  function heapTimeouts(): unknown[] | undefined {
    scanHeapForTimeouts(req, `globalThis.${AGENT_GLOBAL}`);
    const out = scanned;
    scanned = undefined;
    return out;
  }

  const api = {
    /** Receives the heap scan of {@link heapTimeouts}. */
    takeHeapScan(all: unknown[]): void {
      scanned = all;
    },
    protocol: AGENT_PROTOCOL_VERSION,
    /** `Timeout.prototype`, for the host's `Runtime.queryObjects`. */
    proto,
    get running() {
      return running;
    },
    /** Starts tracking; `existing` are the Timeouts alive now (from queryObjects), adopted. */
    start(existing: unknown[] | undefined, o: Partial<AgentStartOptions> & { binding: string }, timerLists?: Record<string, any>): AgentHello {
      const hello = (adopted: number, alreadyRunning?: boolean): AgentHello => ({
        protocol: AGENT_PROTOCOL_VERSION,
        ...(alreadyRunning ? { alreadyRunning } : {}),
        threadId,
        pid: process.pid,
        nodeVersion: process.version,
        argv: process.argv.slice(),
        cwd: process.cwd(),
        timeOrigin: performance.timeOrigin,
        now: now(),
        adopted,
      });
      if (running) {
        // Another host joins (or takes over from one that vanished): it gets every batch from now on,
        // and the next one carries every site and live timer again (the others skip what they know).
        takeBinding(o.binding);
        sites.resendAll();
        TimerTracker.reportAgain();
        return hello(0, true);
      }
      opts = { ...DEFAULT_AGENT_OPTIONS, ...o };
      takeBinding(opts.binding);
      sites = new SiteTable();
      stats = new ProcessStats(req, now);
      const offset = loopOffset();
      // Created before the hooks, so the agent's own timer is never tracked.
      flushTimer = timers.setInterval(flush, opts.flushMs);
      flushTimer.unref();
      stats.start(opts.http);
      // The last batch on exit; but never as the listener that trips MaxListenersExceededWarning in a
      // program that already has its maximum of 'exit' listeners (the host sees the thread end anyway).
      const maxExit = process.getMaxListeners();
      if (maxExit === 0 || process.listenerCount('exit') < maxExit) process.on('exit', onExit);
      TimerTracker.install(proto, probe, {
        now,
        loopOffset: offset,
        sites,
        stack: sampleStack,
        currentRequest: () => stats!.currentRequest(),
        isPromise: util.types.isPromise,
        isPending,
      }, opts);
      TimerTracker.setTokens(opts.stacksPerFlush);
      sites.newFlush();
      running = true;
      let adopted = 0;
      if (Array.isArray(existing)) for (const t of existing) if (t !== flushTimer && TimerTracker.adopt(t as never)) adopted++;
      lists = timerLists && typeof timerLists === 'object' ? timerLists : undefined;
      return hello(adopted);
    },
    /** A host is still there (`binding`: which one; without it, every host). */
    ping(binding?: string): void {
      const t = now();
      const h = binding === undefined ? undefined : hosts.get(binding);
      if (h) h.lastPing = t;
      else for (const x of hosts.values()) x.lastPing = t;
    },
    /** Sends what is pending now (tests, `stop`). */
    flushNow(): void {
      if (running) send(makeBatch());
    },
    /**
     * A host leaves (`binding`); when it is the last one (or none is named), removes everything. `all` =
     * every Timeout (queryObjects) so that held, ended ones are restored too.
     */
    stop(all?: unknown[], reason = 'stopped', binding?: string): number {
      if (!running) {
        delete g[AGENT_GLOBAL];
        return 0;
      }
      if (binding !== undefined && hosts.has(binding) && hosts.size > 1) {
        hosts.delete(binding);
        return 0;
      }
      try {
        const last = makeBatch();
        last.bye = reason;
        send(last);
      } catch {
        /* the goodbye is best effort; removing ourselves is not */
      }
      running = false;
      timers.clearInterval(flushTimer);
      process.removeListener('exit', onExit);
      stats?.stop();
      let restored = TimerTracker.uninstall(proto);
      if (!Array.isArray(all) && TimerTracker.forgotEnded) all = heapTimeouts();
      if (Array.isArray(all)) for (const t of all) if (TimerTracker.restore(t as never)) restored++;
      sites = new SiteTable();
      hosts.clear();
      delete g[AGENT_GLOBAL];
      return restored;
    },
    /** A callback of a site, for the host to read `[[FunctionLocation]]`. */
    siteCallback(id: number): unknown {
      return sites.callbacks[id];
    },
    /** The real callback of a tracked Timeout (its `_onTimeout` getter returns the agent's trampoline). */
    callbackOf(timer: unknown): unknown {
      return TimerTracker.callbackOf(timer);
    },
  };
  return api;
}

(function main() {
  const g = globalThis as Record<string, any>;
  const existing = g[AGENT_GLOBAL];
  if (existing && existing.protocol === AGENT_PROTOCOL_VERSION) return;
  if (existing && typeof existing.stop === 'function') {
    try {
      existing.stop(undefined, 'replaced by another agent version');
    } catch {
      /* ignore */
    }
  }
  const req = getRequire();
  if (!req) throw new Error('timerscope agent: no way to load Node built-ins (require/getBuiltinModule)');
  Object.defineProperty(g, AGENT_GLOBAL, { value: createAgent(req), configurable: true, enumerable: false, writable: false });
})();
