/**
 * Locating Node's own timer lists in the target without the Debugger domain and without creating a timer:
 * the closure of `Timeout.prototype.refresh` (lib/internal/timers.js) holds `timerListMap`,
 * `immediateQueue` and `knownTimersById` (verified on Node 16–24). `Timeout` itself is found in the
 * closure of the functions of lib/timers.js (the global `setTimeout`, unless a library replaced it).
 */
import type { Client } from './remoteObjects';
import { closureVariables, propertyId } from './remoteObjects';

export type TimerListHandles = {
  timerListMap?: string;
  immediateQueue?: string;
  knownTimersById?: string;
  binding?: string;
  /** Timeout.prototype, for the queryObjects fallback. */
  timeoutPrototype?: string;
};

async function evaluateId(client: Client, expression: string, group: string, includeCommandLineAPI = false): Promise<string | undefined> {
  const r = await client.Runtime.evaluate({ expression, objectGroup: group, silent: true, includeCommandLineAPI });
  return r.exceptionDetails ? undefined : r.result.objectId;
}

/**
 * Functions of lib/timers.js, whose closure holds `Timeout` (and on some versions the lists themselves).
 * APM agents, zone.js and fake-timer libraries replace the globals, usually not all of them and seldom the
 * `timers` module too, so each is tried in turn (`require` is the inspector console's, in ESM programs too).
 */
const TIMERS_FUNCTIONS = [
  'globalThis.setTimeout',
  'globalThis.clearTimeout',
  'globalThis.setInterval',
  'globalThis.clearInterval',
  "require('timers').setTimeout",
  "require('timers').clearTimeout",
  // lib/timers/promises.js constructs Timeouts too, and is almost never patched.
  "require('timers/promises').setTimeout",
];

async function readLists(client: Client, fnExpression: string, group: string): Promise<TimerListHandles> {
  const out: TimerListHandles = {};
  const fnId = await evaluateId(client, `typeof ${fnExpression} === 'function' ? ${fnExpression} : undefined`, group, true);
  if (!fnId) return out;
  const outer = await closureVariables(client, fnId);
  const timeoutClass = outer.get('Timeout')?.objectId;
  if (timeoutClass) {
    out.timeoutPrototype = await propertyId(client, timeoutClass, 'prototype');
    // Methods of lib/internal/timers.js's Timeout class share its closure. While Timerscope's agent is
    // attached, `refresh` is the agent's wrapper (its closure is the agent's): the others are still Node's.
    for (const method of ['refresh', 'hasRef', 'unref', 'ref']) {
      const fn = out.timeoutPrototype && (await propertyId(client, out.timeoutPrototype, method));
      if (!fn) continue;
      const inner = await closureVariables(client, fn);
      if (!inner.get('timerListMap')) continue;
      out.timerListMap = inner.get('timerListMap')?.objectId;
      out.immediateQueue = inner.get('immediateQueue')?.objectId;
      out.knownTimersById = inner.get('knownTimersById')?.objectId;
      out.binding = inner.get('binding')?.objectId;
      break;
    }
  }
  // Some versions expose the lists directly in lib/timers.js's closure.
  out.timerListMap ??= outer.get('timerListMap')?.objectId;
  out.immediateQueue ??= outer.get('immediateQueue')?.objectId;
  out.knownTimersById ??= outer.get('knownTimersById')?.objectId;
  out.binding ??= outer.get('binding')?.objectId;
  return out;
}

/** Object ids of the timer lists, or what could be found of them. */
export async function findTimerLists(client: Client, group: string): Promise<TimerListHandles> {
  let best: TimerListHandles = {};
  for (const fn of TIMERS_FUNCTIONS) {
    const found = await readLists(client, fn, group);
    if (found.timerListMap) return found;
    if (!best.timeoutPrototype) best = found;
  }
  return best;
}

/**
 * The fallback when the lists cannot be reached: `Runtime.queryObjects` on Timeout.prototype. It forces
 * full garbage collections (about 1 s of pause at a 50 MB heap, 8–10 s at 500 MB), so callers warn first.
 */
export async function queryTimeoutObjects(client: Client, lists: TimerListHandles, group: string): Promise<string | undefined> {
  let proto = lists.timeoutPrototype;
  if (!proto) {
    // Last resort: learn the prototype from a timer we create and clear at once.
    proto = await evaluateId(
      client,
      '(() => { const t = setTimeout(() => {}, 2147483647); clearTimeout(t); return Object.getPrototypeOf(t); })()',
      group,
    );
  }
  if (!proto) return undefined;
  const r = await client.Runtime.queryObjects({ prototypeObjectId: proto, objectGroup: group });
  return r.objects.objectId;
}
