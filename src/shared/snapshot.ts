/**
 * The `timerscope.snapshot/v1` JSON contract printed by `timerscope snapshot --json`, saved by the
 * extension's "Take Snapshot" and read by `timerscope diff`. Tests and other tools rely on it: only add
 * optional fields. Lines and columns are 1-based everywhere.
 */
export const SNAPSHOT_SCHEMA = 'timerscope.snapshot/v1' as const;

export type TimerKind = 'timeout' | 'interval' | 'immediate';

/** A place in a source file; 1-based line and column. */
export type SourcePosition = { file: string; line: number; column: number };

export type SnapshotTimer = {
  /** Node's async id for the timer (stable while it lives). */
  id: number;
  kind: TimerKind;
  /** The timer's `_idleTimeout` (period of an interval); 0 for immediates. */
  delayMs: number;
  /** `hasRef()`. */
  refed: boolean;
  /** Ref'd and therefore holding the event loop open. */
  keepsAlive: boolean;
  /** Time since the timer was (re)armed, from its `_idleStart`. */
  ageMs: number;
  /** Node-internal (created by Node's own code) or from `node_modules`. */
  internal: boolean;
  /** Where `internal` comes from: 'node' for Node's own code, 'node_modules' for a dependency. */
  origin?: 'user' | 'node' | 'node_modules';
  /** Best known site of the timer: its creation site when known, else its callback's. Original (TS) position. */
  location: SourcePosition | null;
  /** How `location` was found: the callback itself, a static match of the call that passed it, or a stack. */
  locationSource?: 'callback' | 'inferred-call' | 'stack';
  /** The generated (JS) position of `location`, or null when it has no source map. */
  generated: SourcePosition | null;
  /** The function that runs when it fires (for bound functions: their target). */
  callback: { name: string; file: string; line: number; column: number } | null;
  /** Milliseconds until it next fires (negative: overdue). */
  dueInMs?: number;
  /** Worker thread id; 0 or absent for the main thread. */
  threadId?: number;
};

export type SnapshotSite = {
  file: string;
  line: number;
  column: number;
  kind: TimerKind;
  count: number;
  /** How many of them are ref'd. */
  refed: number;
  delayMs: number;
  callbackName?: string;
  internal?: boolean;
  keepsAlive?: boolean;
  threadId?: number;
};

export type SnapshotHandle = {
  /** Constructor name, e.g. Server, Socket, ChildProcess, FSWatcher, Worker. */
  type: string;
  refed: boolean;
  keepsAlive: boolean;
  /** Human detail: address and port, peer, pid, path, thread id. */
  detail: string;
  /** Where its user-written listener is (a server's request handler...), when known. */
  location?: SourcePosition;
};

export type KeepAliveReason = {
  what: 'timer' | 'handle';
  /** One line, e.g. "interval 1000 ms ×38 at src/poller.ts:12:5" or "Server listening on 127.0.0.1:3000". */
  description: string;
  location?: SourcePosition | null;
  count?: number;
};

export type Snapshot = {
  schema: typeof SNAPSHOT_SCHEMA;
  process: { pid: number; nodeVersion: string; argv: string[]; uptimeMs: number; cwd?: string };
  /** ISO time the snapshot was taken. */
  takenAt: string;
  /** How timers were enumerated: Node's timer lists (no side effects) or the queryObjects fallback. */
  method?: 'timer-lists' | 'query-objects';
  timers: SnapshotTimer[];
  sites: SnapshotSite[];
  handles: SnapshotHandle[];
  keepAliveReasons: KeepAliveReason[];
  /** Worker threads snapshotted alongside the main thread. */
  threads?: { threadId: number; url: string; timers: number }[];
  /** Things the user should know (fallbacks used, maps not found). */
  warnings?: string[];
};

/** `timerscope diff A B` result. */
export type SnapshotDiffEntry = {
  change: 'appeared' | 'vanished' | 'grew' | 'shrank';
  file: string;
  line: number;
  column: number;
  kind: TimerKind;
  before: number;
  after: number;
};
