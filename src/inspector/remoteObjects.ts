/**
 * Small typed helpers over `Runtime.*` for reading objects in the target without side effects. Every
 * object id we create lives in one object group that the caller releases at the end.
 */
import type CDP from 'chrome-remote-interface';
import type Protocol from 'devtools-protocol';

export type Client = CDP.Client;

/**
 * Node dispatches inspector messages back to back for as long as they keep arriving, so a quick series of
 * short calls would still starve the target's event loop. After {@link BURST_MS} of calls without a break
 * we pause for a millisecond, which lets the target run its loop (timers, I/O) before the next call.
 */
const BURST_MS = 2;
const bursts = new WeakMap<Client, { start: number; last: number }>();

async function paceCalls(client: Client): Promise<void> {
  const now = performance.now();
  const b = bursts.get(client);
  if (!b || now - b.last > 1) bursts.set(client, { start: now, last: now });
  else if (now - b.start > BURST_MS) {
    await new Promise(r => setTimeout(r, 1));
    const t = performance.now();
    bursts.set(client, { start: t, last: t });
  }
}

function callEnded(client: Client): void {
  const b = bursts.get(client);
  if (b) b.last = performance.now();
}

/** Own properties and internal properties ([[Scopes]], [[FunctionLocation]], ...) of a remote object. */
export async function propertiesOf(client: Client, objectId: string) {
  await paceCalls(client);
  const r = await client.Runtime.getProperties({ objectId, ownProperties: true });
  callEnded(client);
  return { props: r.result, internal: r.internalProperties ?? [] };
}

export async function propertyId(client: Client, objectId: string, name: string): Promise<string | undefined> {
  const { props } = await propertiesOf(client, objectId);
  return props.find(p => p.name === name)?.value?.objectId;
}

/** Variables of every scope in a function's [[Scopes]], innermost first. */
export async function closureVariables(client: Client, fnObjectId: string): Promise<Map<string, Protocol.Runtime.RemoteObject>> {
  const vars = new Map<string, Protocol.Runtime.RemoteObject>();
  const { internal } = await propertiesOf(client, fnObjectId);
  const scopes = internal.find(p => p.name === '[[Scopes]]')?.value?.objectId;
  if (!scopes) return vars;
  const { props } = await propertiesOf(client, scopes);
  for (const scope of props) {
    if (!scope.value?.objectId || scope.value.description === 'Global') continue;
    const inner = await propertiesOf(client, scope.value.objectId);
    for (const v of inner.props) if (v.value && !vars.has(v.name)) vars.set(v.name, v.value);
  }
  return vars;
}

/** Calls a self-contained function in the target with `this` bound to an object. */
export async function callOn<T>(
  client: Client,
  objectId: string,
  fn: string,
  args: Protocol.Runtime.CallArgument[],
  opts: { byValue: true; group: string },
): Promise<T>;
export async function callOn(
  client: Client,
  objectId: string,
  fn: string,
  args: Protocol.Runtime.CallArgument[],
  opts: { byValue: false; group: string },
): Promise<Protocol.Runtime.RemoteObject>;
export async function callOn(
  client: Client,
  objectId: string,
  fn: string,
  args: Protocol.Runtime.CallArgument[],
  opts: { byValue: boolean; group: string },
): Promise<unknown> {
  await paceCalls(client);
  const r = await client.Runtime.callFunctionOn({
    objectId,
    functionDeclaration: fn,
    arguments: args,
    returnByValue: opts.byValue,
    objectGroup: opts.group,
    silent: true,
  });
  callEnded(client);
  if (r.exceptionDetails) {
    throw new Error(`in-target call failed: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
  }
  return opts.byValue ? r.result.value : r.result;
}

/** Runs `worker` over items with at most `limit` in flight (CDP pipelines requests over one socket). */
export async function mapLimit<T, R>(items: T[], limit: number, worker: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await worker(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return out;
}

export type FunctionLocation = { scriptId: string; line0: number; column0: number };

/** [[FunctionLocation]] of a function, looking through bound functions to their [[TargetFunction]]. */
export async function functionLocation(client: Client, fnObjectId: string, depth = 0): Promise<FunctionLocation | null> {
  const { internal } = await propertiesOf(client, fnObjectId);
  const loc = internal.find(p => p.name === '[[FunctionLocation]]')?.value?.value as
    | { scriptId: string; lineNumber: number; columnNumber: number }
    | undefined;
  if (loc) return { scriptId: loc.scriptId, line0: loc.lineNumber, column0: loc.columnNumber };
  const target = internal.find(p => p.name === '[[TargetFunction]]')?.value?.objectId;
  if (target && depth < 5) return functionLocation(client, target, depth + 1);
  return null;
}

/** Locations of the functions held in a remote array (null where unknown, e.g. native functions). */
export async function locationsOfArray(client: Client, arrayObjectId: string): Promise<(FunctionLocation | null)[]> {
  const { props } = await propertiesOf(client, arrayObjectId);
  const elements = props.filter(p => /^\d+$/.test(p.name)).sort((a, b) => Number(a.name) - Number(b.name));
  return mapLimit(elements, 64, async e => (e.value?.objectId && e.value.type === 'function' ? functionLocation(client, e.value.objectId) : null));
}

/**
 * Source text of a self-contained function for `Runtime.callFunctionOn`. Bundlers that keep names (tsx,
 * esbuild keepNames) insert calls to a `__name` helper that does not exist in the target, so one is
 * provided; a sourceURL names our code in the target's stack traces and profiles.
 */
export function remoteFunction(fn: Function): string {
  return `function () { var __name = function (f) { return f; }; return (${fn.toString()}).apply(this, arguments);\n//# sourceURL=timerscope-remote.js\n}`;
}
