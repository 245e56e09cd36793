/**
 * Script URLs without touching a shared Debugger domain.
 *
 * Through js-debug's CDP proxy we share js-debug's own CDP session: `Debugger.disable` there would switch
 * off the user's breakpoints, and `Debugger.enable` is a no-op that replays nothing. So for proxy
 * connections the script list is read inside the target from a separate, same-thread `inspector.Session`
 * (script ids are per isolate, so they match ours). Same-thread sessions dispatch synchronously: the
 * Debugger is on in that private session only for the ~10-20 ms of one evaluation.
 */
import type CDP from 'chrome-remote-interface';
import type { ScriptInfo } from './sourceResolver';

const proxyClients = new WeakSet<object>();

/** Marks a connection as going through js-debug's CDP proxy (set by openTarget). */
export function markJsDebugProxy(client: CDP.Client): void {
  proxyClients.add(client);
}

export function isJsDebugProxy(client: CDP.Client): boolean {
  return proxyClients.has(client);
}

/** Runs in the target: a private inspector session lists every parsed script, then closes. */
const LIST_SCRIPTS = `(() => {
  const p = globalThis.process;
  let req;
  if (p && typeof p.getBuiltinModule === 'function') req = n => p.getBuiltinModule(n);
  else if (typeof require === 'function') req = require;
  else if (p && p.mainModule && typeof p.mainModule.require === 'function') req = n => p.mainModule.require(n);
  if (!req) return null;
  const { Session } = req('inspector');
  const s = new Session();
  const out = [];
  s.connect();
  try {
    s.on('Debugger.scriptParsed', m => { const e = m.params; if (e.url) out.push([e.scriptId, e.url, e.sourceMapURL || '']); });
    s.post('Debugger.enable', {});
    s.post('Debugger.disable', {});
  } finally {
    s.disconnect();
  }
  return out;
})()`;

/** Every script the target has parsed, or undefined when the target cannot load `inspector`. */
export async function listScriptsInProcess(client: CDP.Client): Promise<ScriptInfo[] | undefined> {
  const r = await client.Runtime.evaluate({ expression: LIST_SCRIPTS, returnByValue: true, silent: true });
  if (r.exceptionDetails || !Array.isArray(r.result.value)) return undefined;
  return (r.result.value as [string, string, string][]).map(([scriptId, url, map]) => ({ scriptId, url, sourceMapURL: map || undefined }));
}
