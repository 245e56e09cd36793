/**
 * Finding a Node.js inspector: `/json/list` over HTTP, host policy (loopback unless the user opts in) and
 * the one-line errors people see when they point Timerscope at the wrong thing.
 */
import * as http from 'node:http';
import { UserError } from '../common/errors';

/** One entry of the inspector's `/json/list`. */
export type InspectorTarget = {
  id: string;
  type: string;
  title: string;
  url: string;
  webSocketDebuggerUrl?: string;
};

/** True for 127.0.0.0/8, ::1 and localhost: the only hosts we talk to without `--allow-remote`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

/** Refuses non-loopback hosts unless allowed: an inspector socket is remote code execution. */
export function checkHostAllowed(host: string, allowRemote: boolean | undefined): void {
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new UserError(
      `refusing to connect to non-loopback host '${host}': an inspector connection can run any code in the ` +
        `target; pass --allow-remote (setting timerscope.allowRemote in VS Code) if you really mean it`,
    );
  }
}

function getJson(host: string, port: number, path: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: host.replace(/^\[|\]$/g, ''), port, path, timeout: timeoutMs }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode !== 200) {
          reject(new NotInspectorError(`HTTP ${res.statusCode ?? '?'} for ${path}`));
          return;
        }
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new NotInspectorError(`${path} did not return JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new NotInspectorError(`no answer to ${path} within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

class NotInspectorError extends Error {}

/** Lists the inspector targets at host:port, turning network failures into actionable messages. */
export async function listTargets(host: string, port: number, timeoutMs = 3000): Promise<InspectorTarget[]> {
  let body: unknown;
  try {
    body = await getJson(host, port, '/json/list', timeoutMs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED') {
      // An IPv6 address goes in brackets, for Node's --inspect as for a URL: --inspect=[::1]:9229.
      const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
      throw new UserError(
        `nothing is listening on ${where}; start the program with --inspect=${where}, ` +
          `or use --pid PID to turn the inspector on in a running process, or --launch -- node app.js`,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new UserError(`cannot resolve host '${host}'`);
    if (err instanceof NotInspectorError || code === 'ECONNRESET' || code === 'HPE_INVALID_CONSTANT') {
      throw new UserError(
        `${host}:${port} answered but is not a V8 inspector (${(err as Error).message}); ` +
          `check the port printed after "Debugger listening on ws://"`,
      );
    }
    throw new UserError(`cannot reach ${host}:${port}: ${(err as Error).message}`);
  }
  if (!Array.isArray(body)) {
    throw new UserError(`${host}:${port} answered but is not a V8 inspector (/json/list is not a list)`);
  }
  return body as InspectorTarget[];
}

/** Picks the Node.js target from a `/json/list`, or explains why there is none. */
export function pickNodeTarget(targets: InspectorTarget[], where: string): InspectorTarget {
  const node = targets.find(t => t.type === 'node' && t.webSocketDebuggerUrl);
  if (node) return node;
  if (targets.some(t => t.type === 'page' || t.type === 'browser' || t.type === 'service_worker')) {
    throw new UserError(
      `${where} is a browser (Chrome/Chromium tab), not a Node.js process; Timerscope inspects Node.js timers`,
    );
  }
  if (targets.some(t => t.type === 'node')) {
    throw new UserError(`the Node.js process at ${where} already has a debugger attached to its only session`);
  }
  throw new UserError(`${where} lists no Node.js inspector target`);
}

/** Reads the `ws://…` URL Node prints on stderr when its inspector starts. */
export function parseDebuggerListening(text: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(text)?.[1];
}
