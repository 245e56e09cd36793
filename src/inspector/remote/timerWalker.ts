/**
 * Code that runs INSIDE the inspected process (through `Runtime.callFunctionOn`), so it must be
 * self-contained: no imports, no closures over module scope, plain ES2020. It walks Node's own timer lists
 * in bounded chunks so that the target never stalls for long, and never changes them.
 *
 * Record layout returned by `next()`: a flat number array, {@link RECORD_SIZE} numbers per timer:
 *   [asyncId, kind (0 timeout, 1 interval, 2 immediate), delayMs, refed (0/1), idleStart, fnIndex]
 */
export const RECORD_SIZE = 6;

/* eslint-disable */
export function createTimerWalker(
  this: unknown,
  timerListMap: Record<string, any> | null,
  immediateQueue: { head: any } | null,
  knownTimersById: Record<string, any> | null,
  binding: { getLibuvNow?: () => number } | null,
  queried: any[] | null,
) {
  const lists: any[] = [];
  if (timerListMap) for (const k of Object.keys(timerListMap)) lists.push(timerListMap[k]);
  const known = knownTimersById ? Object.keys(knownTimersById).map(k => knownTimersById[k]) : [];
  // While a timer's callback runs, Node has taken it off its list (an interval is re-inserted afterwards), so a
  // snapshot taken from inside a long callback — the timer that blocks the loop — would miss it. It is the
  // execution context's resource then.
  try {
    const p: any = process;
    const hooks = typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule('async_hooks') : p.mainModule && p.mainModule.require('async_hooks');
    const running = hooks && typeof hooks.executionAsyncResource === 'function' ? hooks.executionAsyncResource() : null;
    if (running && typeof running === 'object' && '_idleTimeout' in running && '_onTimeout' in running) known.push(running);
  } catch (e) {}
  const now = binding && typeof binding.getLibuvNow === 'function' ? binding.getLibuvNow() : performance.now();
  const seen = new Set<any>();
  const fns: Function[] = [];
  const fnIndex = new Map<Function, number>();
  let asyncIdSym: symbol | undefined;
  // With Timerscope's live agent in, `_onTimeout` is its shared trampoline: ask the agent for the real callback.
  const agent: any = (globalThis as any).__timerscopeAgent;
  const callbackOf = agent && typeof agent.callbackOf === 'function' ? (t: any) => agent.callbackOf(t) : undefined;
  let phase = queried ? 3 : 0;
  let li = 0;
  let cur: any = null;
  let ki = 0;

  function indexOf(fn: any): number {
    if (typeof fn !== 'function') return -1;
    let i = fnIndex.get(fn);
    if (i === undefined) {
      i = fns.length;
      fns.push(fn);
      fnIndex.set(fn, i);
    }
    return i;
  }
  function asyncIdOf(t: any): number {
    if (!asyncIdSym) {
      for (const s of Object.getOwnPropertySymbols(t)) if (s.description === 'asyncId' || s.description === 'async_id_symbol') asyncIdSym = s;
    }
    const id = asyncIdSym ? t[asyncIdSym] : undefined;
    return typeof id === 'number' ? id : -1;
  }
  function push(out: number[], t: any, immediate: boolean) {
    if (seen.has(t)) return;
    seen.add(t);
    if (t._destroyed) return;
    let refed = 1;
    try {
      refed = t.hasRef() ? 1 : 0;
    } catch (e) {}
    if (immediate) {
      out.push(asyncIdOf(t), 2, 0, refed, -1, indexOf(t._onImmediate));
    } else {
      if (t._idleTimeout === -1 || t._idleTimeout === undefined) return; // cleared
      const repeat = t._repeat;
      const cb = callbackOf ? callbackOf(t) : undefined;
      out.push(asyncIdOf(t), repeat ? 1 : 0, repeat ? repeat : t._idleTimeout, refed, t._idleStart, indexOf(cb !== undefined ? cb : t._onTimeout));
    }
  }

  return {
    now,
    fns,
    /**
     * Up to `max` timers, or fewer once `budgetMs` has passed (a slow or busy machine then gets shorter
     * calls, not longer stalls); `done` once every list was walked.
     */
    next(max: number, budgetMs?: number) {
      const out: number[] = [];
      const limit = max * 6;
      const deadline = budgetMs ? performance.now() + budgetMs : Infinity;
      let steps = 0;
      while (out.length < limit) {
        if ((++steps & 127) === 0 && performance.now() > deadline) break;
        if (phase === 0) {
          if (li >= lists.length) {
            phase = 1;
            cur = null;
            continue;
          }
          const list = lists[li];
          let node = cur === null ? list._idleNext : cur;
          // The cursor was removed from its list since the last chunk: restart the list (`seen` dedupes).
          if (node && node !== list && node._idleNext == null) node = list._idleNext;
          if (!node || node === list) {
            li++;
            cur = null;
            continue;
          }
          push(out, node, false);
          cur = node._idleNext;
        } else if (phase === 1) {
          let node = cur === null ? immediateQueue && immediateQueue.head : cur;
          if (node && node._destroyed && cur !== null) node = immediateQueue && immediateQueue.head;
          if (!node) {
            phase = 2;
            continue;
          }
          push(out, node, true);
          cur = node._idleNext || false;
          if (cur === false) {
            phase = 2;
          }
        } else if (phase === 2 || phase === 3) {
          const source = phase === 3 ? queried! : known;
          if (ki >= source.length) return { records: out, done: true };
          const t = source[ki++];
          if (t && typeof t === 'object') push(out, t, false);
        }
      }
      return { records: out, done: false };
    },
    /** Names and (for many functions) a text key per function, for grouping location look-ups. */
    meta(start: number, count: number, withKeys: boolean) {
      const names: string[] = [];
      const keys: number[] = [];
      const keyIds = (this as any)._keyIds || ((this as any)._keyIds = new Map<string, number>());
      for (let i = start; i < Math.min(fns.length, start + count); i++) {
        const fn = fns[i];
        let name = '';
        try {
          name = typeof fn.name === 'string' ? fn.name : '';
        } catch (e) {}
        names.push(name);
        if (withKeys) {
          let text = '';
          try {
            text = name + '\u0000' + Function.prototype.toString.call(fn);
          } catch (e) {}
          let id = keyIds.get(text);
          if (id === undefined) keyIds.set(text, (id = keyIds.size));
          keys.push(id);
        }
      }
      return { names, keys };
    },
    /** The functions at the given indexes, as an array the host can take object ids from. */
    pick(indexes: number[]) {
      return indexes.map(i => fns[i]);
    },
  };
}
