/**
 * The snapshot engine: every live timer and active handle of a Node.js process, read over CDP without
 * instrumentation and without the Debugger domain (except a brief moment to learn script URLs), with each
 * timer's callback and creation site mapped through source maps.
 */
import type Protocol from 'devtools-protocol';
import { UserError } from '../common/errors';
import { buildSnapshot, type RawHandle, type RawTimer } from '../model/snapshotBuilder';
import { isAgentScript } from '../shared/agentProtocol';
import type { Snapshot, SourcePosition, TimerKind } from '../shared/snapshot';
import { explainSessionError, type TargetConnection } from './connect';
import { indexScript, inferCreationSite, type ScriptIndex } from './creationSite';
import { describeActiveHandles } from './remote/handleDescriber';
import { createTimerWalker, RECORD_SIZE } from './remote/timerWalker';
import { callOn, locationsOfArray, remoteFunction, type Client, type FunctionLocation } from './remoteObjects';
import { SourceResolver, type ResolvedPosition } from './sourceResolver';
import { isJsDebugProxy } from './scriptCatalog';
import { identifyUnknownScripts } from './scriptIdentity';
import { cacheableScripts, type ScriptUrlCache } from './scriptUrlCache';
import { findTimerLists, queryTimeoutObjects } from './timerLists';

export type SnapshotOptions = {
  /** Allow the `Runtime.queryObjects` fallback (forces full GCs) when the timer lists are unreachable. */
  allowQueryObjects?: boolean;
  /** Force the fallback (benchmarks). */
  forceQueryObjects?: boolean;
  /**
   * Timers (and functions) read per in-target call: bounds how long the target stalls. About 2 µs per
   * timer on a loaded 2-core machine, so the default keeps each call near 2 ms (bench/snapshot.ts).
   */
  chunkSize?: number;
  /** Told before anything slow or intrusive happens. */
  onWarning?: (message: string) => void;
  /** Called after each chunk of timers was read (progress for UIs). */
  onProgress?: (timersRead: number) => void;
  /** false: learn script URLs from the Debugger even where the loaded files identify them (benchmarks). */
  identifyScripts?: boolean;
  /** Script URLs remembered from earlier connections to the same process (the CLI's file cache). */
  scriptCache?: ScriptUrlCache;
};

export const DEFAULT_CHUNK_SIZE = 1000;
/** In-target time limit of one chunk of the walk, whatever its size. */
const CHUNK_BUDGET_MS = 2;
/** Functions whose locations are read per `Runtime.getProperties` (each one's source text is serialised). */
const LOCATION_CHUNK = 500;

const KINDS: TimerKind[] = ['timeout', 'interval', 'immediate'];
const GROUP = 'timerscope-snapshot';

type ProcessInfo = { pid: number; nodeVersion: string; argv: string[]; uptimeMs: number; cwd: string; threadId: number; timeOrigin: number };

async function processInfo(client: Client): Promise<ProcessInfo> {
  const r = await client.Runtime.evaluate({
    expression: `({ pid: process.pid, nodeVersion: process.version, argv: process.argv.slice(), uptimeMs: Math.round(process.uptime() * 1000),
      timeOrigin: typeof performance === 'object' && performance ? performance.timeOrigin : 0,
      cwd: process.cwd(), threadId: (() => { try { return process.getBuiltinModule ? process.getBuiltinModule('worker_threads').threadId : (typeof require === 'function' ? require('worker_threads').threadId : 0); } catch (e) { return 0; } })() })`,
    returnByValue: true,
    silent: true,
  });
  if (r.exceptionDetails) throw new UserError('the target does not look like Node.js (process is missing)');
  return r.result.value as ProcessInfo;
}

/** Reads every record from the in-target walker in bounded chunks. */
async function walkTimers(client: Client, walker: string, chunkSize: number, onProgress?: (n: number) => void): Promise<number[]> {
  const all: number[] = [];
  for (;;) {
    const chunk = await callOn<{ records: number[]; done: boolean }>(client, walker, 'function (n, ms) { return this.next(n, ms); }', [{ value: chunkSize }, { value: CHUNK_BUDGET_MS }], {
      byValue: true,
      group: GROUP,
    });
    for (const n of chunk.records) all.push(n);
    onProgress?.(all.length / RECORD_SIZE);
    if (chunk.done) return all;
  }
}

/**
 * Resolves function locations, one CDP round trip per distinct function. With many functions, closures of
 * the same source text are grouped (a sample of each group is checked to agree) so that 100k closures from
 * one arrow function cost a handful of look-ups, not 100k.
 */
async function resolveFunctions(client: Client, walker: string, count: number, chunkSize: number): Promise<{ names: string[]; locations: (FunctionLocation | null)[] }> {
  const grouped = count > 200;
  const names: string[] = [];
  const keys: number[] = [];
  for (let start = 0; start < count; start += chunkSize) {
    const m = await callOn<{ names: string[]; keys: number[] }>(client, walker, 'function (s, n, k) { return this.meta(s, n, k); }', [{ value: start }, { value: chunkSize }, { value: grouped }], {
      byValue: true,
      group: GROUP,
    });
    names.push(...m.names);
    keys.push(...m.keys);
  }
  const locations: (FunctionLocation | null)[] = new Array(count).fill(null);
  const lookUp = async (indexes: number[]) => {
    for (let i = 0; i < indexes.length; i += LOCATION_CHUNK) {
      const slice = indexes.slice(i, i + LOCATION_CHUNK);
      const arr = await callOn(client, walker, 'function (ix) { return this.pick(ix); }', [{ value: slice }], { byValue: false, group: GROUP });
      const locs = await locationsOfArray(client, arr.objectId!);
      slice.forEach((fnIndex, j) => (locations[fnIndex] = locs[j]));
    }
  };
  if (!grouped) {
    await lookUp([...Array(count).keys()]);
    return { names, locations };
  }
  const groups = new Map<number, number[]>();
  keys.forEach((k, i) => (groups.get(k) ?? groups.set(k, []).get(k)!).push(i));
  const samples = [...groups.values()].flatMap(g => g.slice(0, 3));
  await lookUp(samples);
  const rest: number[] = [];
  for (const members of groups.values()) {
    const sample = members.slice(0, 3).map(i => locations[i]);
    const same = sample.every(l => l && sample[0] && l.scriptId === sample[0].scriptId && l.line0 === sample[0].line0 && l.column0 === sample[0].column0);
    if (same) for (const i of members.slice(3)) locations[i] = sample[0];
    else rest.push(...members.slice(3));
  }
  await lookUp(rest);
  return { names, locations };
}

const resolvers = new WeakMap<Client, SourceResolver>();

/** One source resolver per connection: script URLs, sources and source maps are learnt once. */
export function resolverFor(client: Client, cwd: string): SourceResolver {
  let r = resolvers.get(client);
  if (!r) resolvers.set(client, (r = new SourceResolver(client, cwd)));
  return r;
}

/** Takes a snapshot of every live timer and active handle. Never changes the target's timers. */
export async function takeSnapshot(conn: Pick<TargetConnection, 'client'> & Partial<TargetConnection>, opts: SnapshotOptions = {}): Promise<Snapshot> {
  const client = conn.client;
  try {
    return await snapshotInner(client, opts);
  } catch (err) {
    throw explainSessionError(err, conn as TargetConnection, 'snapshot');
  } finally {
    await client.Runtime.releaseObjectGroup({ objectGroup: GROUP }).catch(() => undefined);
  }
}

/**
 * How long the queryObjects fallback will pause this target, from its heap size: measured ~1 s at a 50 MB
 * heap and 8–10 s at 500 MB (bench/snapshot.ts), i.e. about 20 ms per MB.
 */
async function queryObjectsPause(client: Client): Promise<string> {
  const usage = await client.Runtime.getHeapUsage().catch(() => undefined);
  if (!usage) return '~1 s per 50 MB of heap';
  const mb = Math.max(1, Math.round(usage.usedSize / 1048576));
  const seconds = Math.max(0.1, (mb * 20) / 1000);
  return `its heap is ${mb} MB: expect about ${seconds < 1 ? seconds.toFixed(1) : Math.round(seconds)} s`;
}

async function snapshotInner(client: Client, opts: SnapshotOptions): Promise<Snapshot> {
  const warnings: string[] = [];
  const info = await processInfo(client);
  const lists = await findTimerLists(client, GROUP);
  let queried: string | undefined;
  let method: Snapshot['method'] = 'timer-lists';
  if (!lists.timerListMap || opts.forceQueryObjects) {
    const pause = await queryObjectsPause(client);
    if (!opts.allowQueryObjects && !opts.forceQueryObjects) {
      throw new UserError(
        `cannot reach Node ${info.nodeVersion}'s timer lists (setTimeout and the timers module may be replaced by a library or fake timers); ` +
          `--query-objects uses a slower fallback that pauses the target for full garbage collections (${pause})`,
      );
    }
    const msg = `using Runtime.queryObjects: the target pauses for full garbage collections (${pause})`;
    opts.onWarning?.(msg);
    warnings.push(msg);
    queried = await queryTimeoutObjects(client, lists, GROUP);
    if (!queried) throw new UserError(`cannot find Node ${info.nodeVersion}'s Timeout objects`);
    method = 'query-objects';
  }
  const arg = (id: string | undefined): Protocol.Runtime.CallArgument => (id ? { objectId: id } : { value: null });
  const anchor = lists.timerListMap ?? queried!;
  const walkerObj = await callOn(
    client,
    anchor,
    remoteFunction(createTimerWalker),
    [arg(queried ? undefined : lists.timerListMap), arg(queried ? undefined : lists.immediateQueue), arg(queried ? undefined : lists.knownTimersById), arg(lists.binding), arg(queried)],
    { byValue: false, group: GROUP },
  );
  const walker = walkerObj.objectId!;
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const records = await walkTimers(client, walker, chunkSize, opts.onProgress);
  const now = await callOn<number>(client, walker, 'function () { return this.now; }', [], { byValue: true, group: GROUP });

  const handlesObj = await callOn(client, walker, remoteFunction(describeActiveHandles), [], { byValue: false, group: GROUP });
  const handleData = await callOn<{ type: string; refed: boolean; detail: string }[]>(client, handlesObj.objectId!, 'function () { return this.handles; }', [], { byValue: true, group: GROUP });
  const listenerArr = await callOn(client, handlesObj.objectId!, 'function () { return this.listeners; }', [], { byValue: false, group: GROUP });
  const listenerLocs = await locationsOfArray(client, listenerArr.objectId!);

  const fnCount = await callOn<number>(client, walker, 'function () { return this.fns.length; }', [], { byValue: true, group: GROUP });
  const fns = await resolveFunctions(client, walker, fnCount, chunkSize);

  // Learn script URLs: from an earlier connection's cache, else by matching function texts against the loaded
  // CommonJS files, Node's own modules and the project's ES modules (scriptIdentity.ts), else from the
  // Debugger (on only for this: enabling it walks the heap, ~30 ms at 50 MB, 100-700 ms at 500 MB).
  // The resolver is kept per connection.
  const resolver = resolverFor(client, info.cwd);
  const neededScripts = new Set<string>();
  for (const l of [...fns.locations, ...listenerLocs]) if (l) neededScripts.add(l.scriptId);
  const unknown = () => [...neededScripts].some(id => !resolver.scriptUrl(id));
  const cacheKey = opts.scriptCache && info.timeOrigin ? `${info.pid}-${info.timeOrigin.toFixed(3)}` : undefined;
  if (cacheKey && unknown()) resolver.remember(await opts.scriptCache!.load(cacheKey));
  if (unknown() && opts.identifyScripts !== false && !isJsDebugProxy(client)) {
    const identified = await identifyUnknownScripts(client, walker, listenerArr.objectId!, { callbacks: fns.locations, listeners: listenerLocs }, id => !!resolver.scriptUrl(id), info.argv[1], GROUP);
    if (identified) resolver.remember(identified);
  }
  if (unknown()) {
    await resolver.collectScripts(async () => {
      await Promise.all(
        [...neededScripts].filter(id => !(resolver.scriptUrl(id) ?? 'node:').startsWith('node:')).map(id => resolver.sourceOf(id)),
      );
    });
    if (cacheKey) await opts.scriptCache!.save(cacheKey, await cacheableScripts([...neededScripts].map(id => resolver.scriptInfo(id))));
  }

  const indexes = new Map<string, Promise<ScriptIndex | undefined>>();
  const indexOf = (scriptId: string) => {
    let p = indexes.get(scriptId);
    if (!p) indexes.set(scriptId, (p = resolver.sourceOf(scriptId).then(t => (t ? indexScript(t) : undefined))));
    return p;
  };
  const resolveCache = new Map<string, Promise<ResolvedPosition | null>>();
  const resolvePos = (scriptId: string, line0: number, col0: number) => {
    const key = `${scriptId}:${line0}:${col0}`;
    let p = resolveCache.get(key);
    if (!p) resolveCache.set(key, (p = resolver.resolve(scriptId, line0, col0)));
    return p;
  };
  const siteCache = new Map<string, Promise<{ pos: ResolvedPosition | null; how: RawTimer['locationSource'] }>>();
  const creationSite = (loc: FunctionLocation, kind: TimerKind) => {
    const key = `${loc.scriptId}:${loc.line0}:${loc.column0}:${kind}`;
    let p = siteCache.get(key);
    if (!p) {
      p = (async () => {
        const url = resolver.scriptUrl(loc.scriptId) ?? '';
        const index = url.startsWith('node:') ? undefined : await indexOf(loc.scriptId);
        const site = index && inferCreationSite(index, loc.line0 + 1, loc.column0 + 1, kind);
        if (site) return { pos: await resolvePos(loc.scriptId, site.line - 1, site.column - 1), how: 'inferred-call' as const };
        return { pos: await resolvePos(loc.scriptId, loc.line0, loc.column0), how: 'callback' as const };
      })();
      siteCache.set(key, p);
    }
    return p;
  };

  const timers: RawTimer[] = [];
  for (let i = 0; i < records.length; i += RECORD_SIZE) {
    const [id, kindCode, delay, refed, idleStart, fnIndex] = records.slice(i, i + RECORD_SIZE);
    const kind = KINDS[kindCode];
    const loc = fnIndex >= 0 ? fns.locations[fnIndex] : null;
    // The live agent's own (unref'd) flush timer is Timerscope's, not the program's.
    if (loc && isAgentScript(resolver.scriptUrl(loc.scriptId))) continue;
    const callbackPos = loc ? await resolvePos(loc.scriptId, loc.line0, loc.column0) : null;
    const site = loc ? await creationSite(loc, kind) : { pos: null, how: undefined };
    timers.push({
      id,
      kind,
      delayMs: delay,
      refed: refed === 1,
      ageMs: idleStart >= 0 ? Math.max(0, Math.round(now - idleStart)) : 0,
      dueInMs: idleStart >= 0 ? Math.round(idleStart + delay - now) : 0,
      callbackName: fnIndex >= 0 ? fns.names[fnIndex] : '',
      callback: callbackPos,
      site: site.pos,
      locationSource: site.how,
    });
  }
  const handles: RawHandle[] = await Promise.all(
    handleData.map(async (h, i) => {
      const l = listenerLocs[i];
      const pos = l ? await resolvePos(l.scriptId, l.line0, l.column0) : null;
      return { ...h, location: pos && pos.origin !== 'node' ? (pos.location as SourcePosition) : null };
    }),
  );
  return buildSnapshot({ info, method, timers, handles, warnings });
}
