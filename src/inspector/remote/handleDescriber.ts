/**
 * Runs INSIDE the inspected process: describes `process._getActiveHandles()` (servers, sockets, child
 * processes, watchers, workers...) without changing them. Self-contained; see timerWalker.ts.
 * Returns plain data plus, per handle, the function most likely written by the user for it (a server's
 * request/connection listener, a socket's data listener) so the host can show where it was made.
 */
/* eslint-disable */
export function describeActiveHandles(this: unknown) {
  const handles: { type: string; refed: boolean; detail: string }[] = [];
  const listeners: (Function | null)[] = [];
  let list: any[] = [];
  try {
    list = (process as any)._getActiveHandles();
  } catch (e) {}
  const firstListener = (h: any, events: string[]): Function | null => {
    for (const ev of events) {
      try {
        const ls = typeof h.rawListeners === 'function' ? h.rawListeners(ev) : [];
        for (const l of ls) {
          const fn = l && l.listener ? l.listener : l;
          if (typeof fn === 'function') return fn;
        }
      } catch (e) {}
    }
    return null;
  };
  for (const h of list) {
    if (!h || typeof h !== 'object') continue;
    let type = (h.constructor && h.constructor.name) || 'Handle';
    let detail = '';
    let refed = true;
    try {
      if (typeof h.hasRef === 'function') refed = !!h.hasRef();
      else if (h._handle && typeof h._handle.hasRef === 'function') refed = !!h._handle.hasRef();
    } catch (e) {}
    let listener: Function | null = null;
    try {
      if (typeof h.address === 'function' && typeof h.listen === 'function') {
        const a = h.address();
        const isHttp = typeof h.listeners === 'function' && h.listeners('request').length > 0;
        type = isHttp ? 'HTTPServer' : 'TCPServer';
        detail = a && typeof a === 'object' ? `listening on ${a.address.includes(':') ? '[' + a.address + ']' : a.address}:${a.port}` : a ? `listening on ${a}` : 'not listening';
        listener = firstListener(h, ['request', 'connection', 'listening']);
      } else if (type === 'Socket' || type === 'TLSSocket' || type === 'WriteStream' || type === 'ReadStream') {
        if (typeof h.fd === 'number' && h.fd >= 0 && h.fd <= 2) {
          type = h.fd === 0 ? 'stdin' : h.fd === 1 ? 'stdout' : 'stderr';
          detail = `fd ${h.fd}${h.isTTY ? ' (TTY)' : ''}`;
        } else if (h.remoteAddress) {
          detail = `${h.localAddress}:${h.localPort} → ${h.remoteAddress}:${h.remotePort}`;
        } else if (h._handle && h._handle.fd !== undefined && h._type === 'pipe') {
          detail = 'pipe';
        } else if (h.connecting) {
          detail = 'connecting';
        }
        listener = firstListener(h, ['data', 'connect', 'close']);
      } else if (type === 'ChildProcess') {
        detail = `pid ${h.pid} (${h.spawnfile}${h.spawnargs && h.spawnargs.length > 1 ? ' ' + h.spawnargs.slice(1).join(' ').slice(0, 60) : ''})`;
        listener = firstListener(h, ['exit', 'close']);
      } else if (type === 'Worker') {
        detail = `threadId ${h.threadId}`;
        listener = firstListener(h, ['message', 'exit', 'error']);
      } else if (type === 'FSWatcher' || type === 'StatWatcher') {
        detail = h._path || h.path || '';
        listener = firstListener(h, ['change']);
      } else if (type === 'Server' && h._pipeName) {
        detail = `listening on pipe ${h._pipeName}`;
      }
    } catch (e) {}
    handles.push({ type, refed, detail });
    listeners.push(listener);
  }
  return { handles, listeners };
}
