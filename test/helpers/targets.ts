/**
 * Real target processes for tests: `node --inspect=127.0.0.1:0 script`, with helpers to wait for their
 * output and to connect. Every process is killed when the test ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { openTarget, type TargetConnection } from '../../src/inspector/connect';
import { parseDebuggerListening } from '../../src/inspector/targetDiscovery';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** ../shared/cases beside the repository (CI lays shared/ next to the clone). */
export function casesDir(): string {
  for (const c of [path.resolve(repoRoot, '..', 'shared', 'cases'), '/work/shared/cases']) if (existsSync(c)) return c;
  throw new Error('cannot find ../shared/cases beside the repository');
}

export type Target = {
  child: ChildProcess;
  url: string;
  startedAt: number;
  /** Resolves with the first stdout line matching `re` (also if it was printed already). */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
  output(): string;
  exited: Promise<number | null>;
  connect(): Promise<TargetConnection>;
};

export async function startTarget(
  t: TestContext | undefined,
  script: string,
  opts: { cwd?: string; args?: string[]; node?: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<Target> {
  const child = spawn(opts.node ?? process.execPath, [...(opts.execArgv ?? []), '--inspect=127.0.0.1:0', script, ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const startedAt = Date.now();
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const m = w.re.exec(out);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m[0]);
      }
    }
  });
  const exited = new Promise<number | null>(r => child.on('exit', code => r(code)));
  const cleanup = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  t?.after(cleanup);
  process.once('exit', cleanup);
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const u = parseDebuggerListening(err);
      if (u) resolve(u);
    });
    child.on('exit', code => reject(new Error(`target exited (${code}) before its inspector started: ${err}`)));
  });
  const conns: TargetConnection[] = [];
  t?.after(async () => {
    for (const c of conns) await c.close({ killChild: false });
  });
  return {
    child,
    url,
    startedAt,
    output: () => out,
    exited,
    waitForOutput(re, timeoutMs = 30000) {
      const m = re.exec(out);
      if (m) return Promise.resolve(m[0]);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in target output:\n${out}`)), timeoutMs);
        waiters.push({ re, resolve: l => (clearTimeout(timer), resolve(l)) });
      });
    },
    async connect() {
      const c = await openTarget({ ws: url });
      conns.push(c);
      return c;
    },
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after the deadline. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise(r => setTimeout(r, everyMs));
  }
}
