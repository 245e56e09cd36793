/**
 * Pure: what the attach commands accept as targets (port, host:port, ws:// URL, `{port}`/`{url}` arguments)
 * and which `node` Run Current File uses. Kept free of `vscode` for plain `node --test`.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ConnectOptions } from '../inspector/connect';

/** The user's `node` from PATH (their version, not the editor's); `node` (= the editor's own runtime) if none. */
export function findNode(envPath = process.env.PATH ?? '', platform = process.platform): string {
  const names = platform === 'win32' ? ['node.exe'] : ['node'];
  for (const dir of envPath.split(path.delimiter)) {
    for (const n of names) if (dir && existsSync(path.join(dir, n))) return path.join(dir, n);
  }
  return 'node';
}

/** What the attach commands return (and the e2e tests read). */
export type AttachResult = { id: string; name: string };

/** The non-interactive argument of `Attach to Inspector URL or Port…`. */
export type InspectorArg = { port?: number; host?: string; url?: string };

/** `{port}` → `9229`, `{host, port}` → `host:9229`, `{url}` → the URL; text as is; undefined for nothing. */
export function inspectorArgText(arg: string | InspectorArg | undefined): string | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg === 'string') return arg;
  if (typeof arg !== 'object') return String(arg);
  if (arg.url) return arg.url;
  if (arg.port !== undefined) return arg.host ? `${arg.host.includes(':') ? `[${arg.host}]` : arg.host}:${arg.port}` : String(arg.port);
  return undefined;
}

/** `9229` → port; `host:port` → host and port; `ws://…` → ws. Undefined when it is none of these. */
export function parseInspectorTarget(text: string): ConnectOptions | undefined {
  const t = text.trim();
  if (/^wss?:\/\/\S+$/.test(t)) return { ws: t };
  if (/^\d{1,5}$/.test(t)) return { port: Number(t) };
  const m = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(t);
  if (m) return { host: m[1].replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  return undefined;
}

/** The engine's messages name CLI flags; in the editor the same advice is a command. */
export function inEditorTerms(msg: string): string {
  return msg
    .replace(/use --pid PID to turn the inspector on in a running process/, "use 'Timerscope: Attach to Node Process…' to turn the inspector on in a running process")
    .replace(/or --launch -- node app\.js/, "or 'Timerscope: Run Current File with Timerscope'");
}
