/**
 * A test-only extension installed next to the extension under test in code-server: it lets the test reach
 * the extension host without the UI, for the few things a user would do with arguments or an API
 * (attach to a given inspector URL, start a debug configuration, read an extension's test API). It listens on
 * 127.0.0.1 with a random token, and only when the test set TIMERSCOPE_DRIVER_FILE (where it writes
 * `{port, token}`). Bundled by test/helpers/codeServer.ts; runs in untrusted workspaces too, so the test can
 * still talk to it in Restricted Mode.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';

/** The request the test sends: run a command, or run a function (its source) with `vscode` in scope. */
export type DriverRequest =
  | { kind: 'command'; command: string; args: unknown[] }
  | { kind: 'evaluate'; source: string; args: unknown[] };
export type DriverResponse = { ok: true; value: unknown } | { ok: false; error: string };

let server: Server | undefined;

/** JSON that survives what commands return: Uris as strings, no cycles, no functions. */
function toJson(value: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(value ?? null, (_k, v: unknown) => {
    if (v instanceof vscode.Uri) return v.toString();
    if (typeof v === 'function') return undefined;
    if (typeof v === 'object' && v !== null) {
      if (seen.has(v)) return undefined;
      seen.add(v);
    }
    return v;
  });
}

async function handle(req: DriverRequest): Promise<unknown> {
  if (req.kind === 'command') return vscode.commands.executeCommand(req.command, ...req.args);
  // tsx compiles the test's functions with keepNames: their source calls __name().
  (globalThis as Record<string, unknown>)['__name'] ??= (f: unknown) => f;
  // `require` is in scope of the function's source, e.g. to load a bundled test suite into this host.
  const fn = new Function('vscode', 'args', 'require', `return (${req.source})(vscode, ...args);`) as (v: typeof vscode, a: unknown[], r: NodeRequire) => unknown;
  return fn(vscode, req.args, require);
}

export function activate(): void {
  const file = process.env['TIMERSCOPE_DRIVER_FILE'];
  if (!file) return;
  const token = randomBytes(16).toString('hex');
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.headers['authorization'] !== `Bearer ${token}`) return void res.writeHead(403).end();
      const reply = (r: DriverResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(toJson(r));
      Promise.resolve()
        .then(() => handle(JSON.parse(body) as DriverRequest))
        .then(
          value => reply({ ok: true, value }),
          (err: unknown) => reply({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) }),
        );
    });
  });
  server.listen(0, '127.0.0.1', () => {
    writeFileSync(file, JSON.stringify({ port: (server!.address() as AddressInfo).port, token }));
  });
}

export function deactivate(): void {
  server?.close();
}
