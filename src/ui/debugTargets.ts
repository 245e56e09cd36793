/**
 * Pure: which VS Code debug sessions Timerscope attaches to, and how js-debug's CDP proxy address becomes a
 * WebSocket URL. js-debug starts a parent "launcher" session per launch configuration and one child session
 * per real target (the program, its child processes, its workers); only the children speak for a process.
 */

/** The debug types of VS Code's JavaScript debugger for Node.js. */
export const NODE_DEBUG_TYPES: readonly string[] = ['pwa-node', 'node', 'node-terminal', 'pwa-extensionHost'];

/** The part of a `vscode.DebugSession` these rules read. */
export type DebugSessionLike = {
  id: string;
  type: string;
  name: string;
  parentSession?: { id: string } | undefined;
  configuration: { request?: string; [key: string]: unknown };
};

export function isNodeDebugSession(s: DebugSessionLike): boolean {
  // Debugging VS Code extensions is not something Timerscope should attach to by itself.
  return NODE_DEBUG_TYPES.includes(s.type) && s.type !== 'pwa-extensionHost';
}

/**
 * A concrete session is one that stands for a real process: a child of another session, or a top-level
 * session that has no children (older adapters or `attach` configurations run the target in the session itself).
 * `hasChildren` is what the caller has seen so far.
 */
export function isConcreteSession(s: DebugSessionLike, hasChildren: boolean): boolean {
  if (!isNodeDebugSession(s)) return false;
  if (s.parentSession) return true;
  return !hasChildren;
}

/** The answer of `extension.js-debug.requestCDPProxy`. */
export type CdpProxyAddress = { host: string; port: number; path?: string };

/** `{host, port, path}` → `ws://host:port/path`; undefined for anything that is not such an address. */
export function proxyWebSocketUrl(addr: unknown): string | undefined {
  const a = addr as Partial<CdpProxyAddress> | null | undefined;
  if (!a || typeof a !== 'object' || typeof a.host !== 'string' || !a.host) return undefined;
  if (typeof a.port !== 'number' || !Number.isInteger(a.port) || a.port <= 0 || a.port > 65535) return undefined;
  const host = a.host.includes(':') && !a.host.startsWith('[') ? `[${a.host}]` : a.host;
  const path = typeof a.path === 'string' && a.path ? (a.path.startsWith('/') ? a.path : `/${a.path}`) : '';
  return `ws://${host}:${a.port}${path}`;
}

/** The name shown for a process attached through a debug session: `server.js (debug: Launch Program)`. */
export function debugSessionLabel(s: DebugSessionLike, parentName?: string): string {
  // js-debug names children `app.js [1234] « Launch Program`: the parent is in there already.
  return parentName && !s.name.includes(parentName) ? `${s.name} (debug: ${parentName})` : `${s.name} (debug)`;
}
