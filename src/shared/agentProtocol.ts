/**
 * What the in-target agent (src/agent, bundled to dist/agent.js) and the host (src/inspector/agent*.ts)
 * say to each other. The agent pushes {@link AgentBatch}es as JSON strings through a `Runtime.addBinding`
 * function; the host calls the agent's methods on the non-enumerable global {@link AGENT_GLOBAL}.
 * All agent times are the target thread's `performance.now()` milliseconds; `timeOrigin` turns them into
 * epoch milliseconds.
 */

/** Bumped whenever a message shape changes; the host refuses an agent of another version. */
export const AGENT_PROTOCOL_VERSION = 1;

/** Non-enumerable property of `globalThis` that holds the agent's API (the idempotency token). */
export const AGENT_GLOBAL = '__timerscopeAgent';

/** The agent bundle's sourceURL (esbuild.mjs footer): the script of the agent's own functions and timers. */
export const AGENT_SCRIPT_URL = 'timerscope-agent.js';

/** The agent's own script, also once a path was put before it: its timers are Timerscope's, never the program's. */
export function isAgentScript(file: string | undefined): boolean {
  return !!file && (file === AGENT_SCRIPT_URL || file.endsWith(`/${AGENT_SCRIPT_URL}`) || file.endsWith(`\\${AGENT_SCRIPT_URL}`));
}

/** Default name of the `Runtime.addBinding` function the agent pushes batches through. */
export const AGENT_BINDING = '__timerscopeBatch';

export type AgentStartOptions = {
  /** Name of the binding function to push batches through. */
  binding: string;
  /** Batch period (at most ~10 batches per second). */
  flushMs: number;
  /** The agent removes itself when the host has not pinged for this long (host vanished). */
  heartbeatTimeoutMs: number;
  /** Creation stacks the agent may take per flush (each costs ~10-30 µs). */
  stacksPerFlush: number;
  /**
   * Creations tracked one by one per flush window; beyond it the agent tracks 1 in N (N from the rate),
   * each tracked timer standing for N in its site's counts. The others are counted in `unsampled`.
   */
  windowCap: number;
  /** Capacity of the fire ring buffer (records per flush); overflow is counted in `dropped`. */
  ringCapacity: number;
  /** Track timers created while an HTTP request is being handled (diagnostics_channel). */
  http: boolean;
};

export const DEFAULT_AGENT_OPTIONS: Omit<AgentStartOptions, 'binding'> = {
  flushMs: 100,
  heartbeatTimeoutMs: 6000,
  stacksPerFlush: 40,
  // Sampling starts above ~80k creations per second (2,048 measured slower HTTP in bench/overhead.ts:
  // sampling's one-time setter swap re-optimizes Node's timer code in the middle of a request storm).
  windowCap: 8192,
  // 20k detailed fire records per second; beyond that fires are only counted (bench/overhead.ts: at 16k per
  // flush an interval-heavy program spent most of its time serializing fire records for the host).
  ringCapacity: 2048,
  http: true,
};

/** Answer of `start()`: the handshake. */
export type AgentHello = {
  protocol: number;
  /** True when an agent of this protocol was already installed and running (the call was a no-op). */
  alreadyRunning?: boolean;
  threadId: number;
  pid: number;
  nodeVersion: string;
  argv: string[];
  cwd: string;
  /** Epoch ms of the thread's `performance.now()` zero. */
  timeOrigin: number;
  /** `performance.now()` at the time of the answer. */
  now: number;
  /** Timers that existed before attach and are tracked from now on. */
  adopted: number;
};

/** A call site the agent found (sent once, in the first batch that needs it). */
export type AgentSite = {
  id: number;
  kind: 'timeout' | 'interval';
  delayMs: number;
  /** First user frame of a sampled creation stack (file is a path or URL as in `Error().stack`). */
  file?: string;
  line?: number;
  column?: number;
  /** Every frame of the sampled stack was Node's own. */
  nodeInternal?: boolean;
  /** Made by a Node API the user called (not a timer API): Node's own timer, at the user's line. */
  byNodeApi?: boolean;
  /** No stack was sampled: the host resolves the site from the callback (`siteCallback(id)`). */
  byCallback?: boolean;
  callbackName?: string;
};

/** Fire record layout in {@link AgentBatch.fires} (flat array, this many numbers per fire). */
export const FIRE_FIELDS = 6;
/** Fire flags. */
export const FIRE_OVERLAP = 1;
export const FIRE_THREW = 2;

/** Timer flags in {@link AgentBatch.timers}. */
export const TIMER_INTERVAL = 1;
export const TIMER_REFED = 2;
export const TIMER_ADOPTED = 4;
export const TIMER_IN_REQUEST = 8;

export type AgentBatch = {
  seq: number;
  /** `performance.now()` when the batch was made. */
  now: number;
  threadId: number;
  sites?: AgentSite[];
  /** Timers alive at flush time, reported once: [timerId, siteId, createdAt, delayMs, flags]. */
  timers?: [number, number, number, number, number][];
  /** Reported timers that ended: [timerId, endedAt, 1 = a timeout's last fire | 0 = cleared]. */
  ended?: [number, number, number][];
  /** Flat [timerId, siteId, scheduledAt, startAt, durationMs, flags] × n. */
  fires?: number[];
  /** [timerId, at, type]: 0 refresh, 1 ref, 2 unref, 3 outlived its HTTP request. */
  marks?: [number, number, number][];
  /** Per-site changes since the last batch: [siteId, created, cleared, fired, refreshed, live, liveRefed]. */
  counts?: [number, number, number, number, number, number, number][];
  /** Event-loop delay over this batch's window and since start (ms). */
  loop?: { p50: number; p99: number; max: number };
  loopTotal?: { p50: number; p99: number; max: number };
  /** About once a second: Worker objects created since attach, [threadId, 1 ref'd | 0 unref'd]. */
  workers?: [number, number][];
  /** GC pauses: [startAt, durationMs]. */
  gc?: [number, number][];
  /** How many GCs each entry of `gc` stands for (the agent observes GCs one window in this many when they are frequent). */
  gcWeight?: number;
  /** Live tracked timers. */
  live: number;
  /** Records lost to full buffers so far. */
  dropped: number;
  /** Creations not tracked one by one so far (sampled out above `windowCap` per flush). */
  unsampled: number;
  /** The agent removed itself (heartbeat lost or stop()); last batch. */
  bye?: string;
};
