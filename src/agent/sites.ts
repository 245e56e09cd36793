/**
 * Creation sites inside the agent: sampled creation stacks and the table that maps callbacks to sites.
 *
 * Taking a stack costs ~10-30 µs, so the tracker takes one only for a sample of creations (a new callback
 * function, while the per-flush budget lasts). Every other timer is classified at flush time, off the hot
 * path, through its callback: the same function object, or a function with the same source text (a closure
 * made anew for every timer), was created at the same place. A callback class seen at two different stack
 * sites (Node's own callbacks in timers/promises, bound functions) is "polymorphic": it keeps being sampled.
 */
import type { AgentSite } from '../shared/agentProtocol';

/** The agent's own script URL (esbuild footer), skipped in stacks. */
export const AGENT_URL = 'timerscope-agent.js';

type CallSiteLike = {
  getFileName(): string | null | undefined;
  getScriptNameOrSourceURL?(): string | null | undefined;
  getLineNumber(): number | null;
  getColumnNumber(): number | null;
};

function isNodeFile(file: string): boolean {
  return file.startsWith('node:') || file.startsWith('internal/') || !/[\\/]/.test(file);
}

/** Node modules whose functions are timer APIs a user calls on purpose (anything else makes timers of its own). */
const TIMER_API = /^(node:)?(internal\/)?(timers(\/promises)?|abort_controller)(\.js)?$/;

/**
 * The first user frame of the current stack as `file\0line\0column`, or `!file…` when every frame is
 * Node's own, or `~file…` when the user called another Node API that made the timer for itself (http's
 * Date-header cache under `res.end()`, a socket's idle timer): such a timer is Node's, seen at the user's
 * line. Undefined when no stack can be taken.
 */
export function sampleStack(): string | undefined {
  const E = Error as unknown as {
    prepareStackTrace?: unknown;
    stackTraceLimit: number;
    captureStackTrace(o: object): void;
  };
  const prepare = E.prepareStackTrace;
  const limit = E.stackTraceLimit;
  let frames: CallSiteLike[] | undefined;
  try {
    E.prepareStackTrace = (_e: unknown, cs: CallSiteLike[]) => cs;
    E.stackTraceLimit = 16;
    const holder: { stack?: CallSiteLike[] } = {};
    E.captureStackTrace(holder);
    frames = holder.stack;
  } catch {
    frames = undefined;
  } finally {
    E.prepareStackTrace = prepare;
    E.stackTraceLimit = limit;
  }
  if (!Array.isArray(frames)) return undefined;
  let firstNode: string | undefined;
  let lastNodeFile = '';
  for (const f of frames) {
    const file = f.getFileName() || (f.getScriptNameOrSourceURL && f.getScriptNameOrSourceURL());
    if (!file || file === AGENT_URL) continue;
    const key = `${file}\0${f.getLineNumber() ?? 0}\0${f.getColumnNumber() ?? 0}`;
    if (isNodeFile(file)) {
      firstNode ??= '!' + key;
      lastNodeFile = file;
      continue;
    }
    return lastNodeFile && !TIMER_API.test(lastNodeFile) ? '~' + key : key;
  }
  return firstNode;
}

/**
 * `site`: its last stack site (of kind `siteKind`); `cbSite`: its callback-only site per timer kind;
 * `stk`: stacks taken for a polymorphic class in flush `stkFlush` (capped per flush: see
 * {@link POLY_STACKS_PER_FLUSH}).
 */
type CallbackClass = {
  id: number;
  site: number;
  siteKind: string;
  poly: boolean;
  cbSite: Record<string, number>;
  stk: number;
  stkFlush: number;
};

/**
 * Stacks per flush for one polymorphic class, and for callbacks met after the flush's source-text lookups
 * ran out. Node's socket timeout is a bound function made anew for each HTTP request (every bound function
 * has the same source text): uncapped, a server spent the flush's whole stack budget on it, 40 stacks of
 * ~100,000 instructions each every 100 ms (bench/instructions.ts http: 3,700 instructions a response).
 */
const POLY_STACKS_PER_FLUSH = 4;

const fnToString = Function.prototype.toString;

function textOf(fn: Function): string {
  try {
    return `${fn.name}\0${fnToString.call(fn)}`;
  } catch {
    return `${String(fn.name)}\0?`;
  }
}

/** Sites and callback classes of one thread. */
export class SiteTable {
  /** Sites not yet sent to the host. */
  fresh: AgentSite[] = [];
  /** Every site so far (a host that takes over a running agent gets them all again). */
  private readonly all: AgentSite[] = [];
  /** A callback per site, for the host to resolve `[[FunctionLocation]]` of. */
  readonly callbacks: unknown[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly classes = new WeakMap<object, CallbackClass>();
  private readonly texts = new Map<string, CallbackClass>();
  private nextClass = 1;

  /** How many sites exist. */
  get size(): number {
    return this.callbacks.length;
  }

  private site(key: string, make: () => Omit<AgentSite, 'id'>, fn: unknown): number {
    let id = this.byKey.get(key);
    if (id === undefined) {
      id = this.callbacks.length;
      this.byKey.set(key, id);
      this.callbacks.push(fn);
      const site = { id, ...make() };
      this.fresh.push(site);
      this.all.push(site);
    }
    return id;
  }

  private classOf(fn: unknown): CallbackClass | undefined {
    if (typeof fn !== 'function') return undefined;
    let cls = this.classes.get(fn);
    if (cls) return cls;
    const text = textOf(fn);
    cls = this.texts.get(text);
    if (!cls) {
      cls = { id: this.nextClass++, site: -1, siteKind: '', poly: false, cbSite: {}, stk: 0, stkFlush: 0 };
      // Bounded: past this many distinct callbacks, new ones are only remembered by identity.
      if (this.texts.size < 20000) this.texts.set(text, cls);
      // Only a class's first function is remembered by identity: a closure made anew per timer would add
      // a WeakMap entry (costly for the GC) per timer and never be looked up again.
      this.classes.set(fn, cls);
    }
    return cls;
  }

  /** The site of a timer from its callback and (maybe) a sampled stack key. */
  classify(fn: unknown, stack: string | undefined, interval: boolean, delayMs: number): number {
    const kind = interval ? 'interval' : 'timeout';
    const cls = this.classOf(fn);
    const name = typeof fn === 'function' ? String((fn as Function).name || '') : '';
    if (stack) {
      const internal = stack.startsWith('!');
      const incidental = stack.startsWith('~');
      const [file, line, column] = (internal || incidental ? stack.slice(1) : stack).split('\0');
      const id = this.site(
        `${stack}\0${kind}`,
        () => ({
          kind,
          delayMs,
          file,
          line: Number(line),
          column: Number(column),
          ...(internal ? { nodeInternal: true } : {}),
          ...(incidental ? { byNodeApi: true } : {}),
          ...(name ? { callbackName: name } : {}),
        }),
        fn,
      );
      if (cls) {
        if (cls.site >= 0 && cls.site !== id) cls.poly = true;
        cls.site = id;
        cls.siteKind = kind;
      }
      return id;
    }
    // One callback may serve a timeout and an interval: a site is never reused across kinds.
    if (cls && cls.site >= 0 && cls.siteKind === kind) return cls.site;
    if (cls && cls.cbSite[kind] !== undefined) return cls.cbSite[kind];
    const id = this.site(
      `cb\0${cls ? cls.id : 0}\0${kind}`,
      () => ({ kind, delayMs, byCallback: true, ...(name ? { callbackName: name } : {}) }),
      fn,
    );
    if (cls) cls.cbSite[kind] = id;
    return id;
  }

  /**
   * Source-text lookups {@link wantsStack} may do per flush (about a microsecond each): a closure made anew for every
   * timer is not in the identity map, and without the lookup it would use up the flush's stack budget
   * on a site that already has its stack (and starve rarer sites of theirs).
   */
  private textLookups = 0;
  /** Stacks left this flush for callbacks met after the text lookups ran out. */
  private blindStacks = 0;
  private flushNo = 0;

  /** A new flush: a new budget of source-text lookups. */
  newFlush(): void {
    this.textLookups = 200;
    this.blindStacks = POLY_STACKS_PER_FLUSH;
    this.flushNo++;
  }

  /** Whether this creation should be sampled (the caller then takes a stack). */
  wantsStack(fn: unknown): boolean {
    if (typeof fn !== 'function') return false;
    let cls = this.classes.get(fn);
    if (!cls) {
      if (this.textLookups <= 0) return this.blindStacks-- > 0;
      this.textLookups--;
      cls = this.texts.get(textOf(fn));
      if (!cls) return true;
    }
    if (cls.site < 0) return true;
    if (!cls.poly) return false;
    if (cls.stkFlush !== this.flushNo) {
      cls.stkFlush = this.flushNo;
      cls.stk = 0;
    }
    return cls.stk++ < POLY_STACKS_PER_FLUSH;
  }

  /** The next batch carries every site again. */
  resendAll(): void {
    this.fresh = this.all.slice();
  }

  takeFresh(): AgentSite[] | undefined {
    if (this.fresh.length === 0) return undefined;
    const out = this.fresh;
    this.fresh = [];
    return out;
  }
}
