/** Helpers for live-mode tests: fixture lines by @tag, sites of a watch report, waiting on a session. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'node:test';
import { openTarget, type TargetConnection } from '../../../src/inspector/connect';
import { startLiveSessionAtStart } from '../../../src/inspector/liveLaunch';
import { startLiveSession, type LiveSession, type LiveSessionOptions } from '../../../src/inspector/liveSession';
import type { WatchReport, WatchSite } from '../../../src/shared/findings';
import { repoRoot, startTarget, until } from '../../helpers/targets';

export const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'programs', name);

/** 1-based line and column of the timer call on the line tagged `// @tag` (or containing `marker`). */
export function tagAt(file: string, tag: string): { line: number; column: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  let i = lines.findIndex(l => new RegExp(`// @${tag}\\b`).test(l));
  if (i < 0) i = lines.findIndex(l => l.includes(tag));
  if (i < 0) throw new Error(`no @${tag} in ${file}`);
  const m = /set(Timeout|Interval)\(|sleep\(/.exec(lines[i]);
  return { line: i + 1, column: (m ? m.index : 0) + 1 };
}

export function sameFile(a: string, b: string): boolean {
  return a === b || a.endsWith('/' + b) || b.endsWith('/' + a);
}

export function sitesAtLine(r: WatchReport, file: string, line: number, threadId?: number): WatchSite[] {
  return r.sites.filter(s => sameFile(s.file, file) && s.line === line && (threadId === undefined || (s.threadId ?? 0) === threadId));
}

/** The single site at file:line (fails with a readable dump otherwise). */
export function siteAt(r: WatchReport, file: string, line: number, threadId?: number): WatchSite {
  const s = sitesAtLine(r, file, line, threadId);
  if (s.length !== 1) throw new Error(`expected one site at ${file}:${line}, got ${s.length}:\n${describeReport(r)}`);
  return s[0];
}

export function findingsAt(r: WatchReport, file: string, line: number, rule?: string) {
  return r.findings.filter(f => sameFile(f.site.file, file) && f.site.line === line && (!rule || f.rule === rule));
}

export function describeReport(r: WatchReport): string {
  const sites = r.sites.map(
    s =>
      `  [t${s.threadId ?? 0}] ${s.kind} ${s.delayMs}ms ${s.file}:${s.line}:${s.column} ${s.callbackName ?? ''} live=${s.live} created=${s.created} cleared=${s.cleared} ` +
      `fired=${s.fired} refreshed=${s.refreshed} late=${JSON.stringify(s.latenessMs)} cb=${JSON.stringify(s.callbackMs)}${s.internal ? ' internal' : ''}`,
  );
  return ['sites:', ...sites, 'findings:', ...r.findings.map(f => `  ${f.rule} ${f.site.file}:${f.site.line} ${f.message}`)].join('\n');
}

/** Waits until `check(report)` holds (polls the session's report on every update, with a deadline). */
/** `Runtime.evaluate` by value in the target; its exception as an Error. */
export async function evaluateIn<T>(conn: { client: any }, expression: string): Promise<T> {
  const r = await conn.client.Runtime.evaluate({ expression, returnByValue: true });
  if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
  return r.result.value as T;
}

export async function reportWhere(session: LiveSession, what: string, check: (r: WatchReport) => boolean, timeoutMs = 30000): Promise<WatchReport> {
  let last: WatchReport | undefined;
  try {
    return await until(
      what,
      async () => {
        last = session.report();
        return check(last) ? last : undefined;
      },
      timeoutMs,
      200,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${last ? describeReport(last) : ''}`);
  }
}

/** Resolves after the session's next `n` updates (batches applied to its model). */
export function updates(session: LiveSession, n = 1): Promise<void> {
  return new Promise(resolve => {
    let seen = 0;
    const sub = session.onDidUpdate(() => {
      if (++seen < n) return;
      sub.dispose();
      resolve();
    });
  });
}

/** A program launched held at its first line, with the live session started before it runs. */
export type LaunchedLive = {
  conn: TargetConnection;
  live: LiveSession;
  output(): string;
  /** Resolves with the first stdout match of `re` (also if already printed). */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
};

export async function launchLive(t: TestContext, script: string, opts: { cwd?: string; node?: string; live?: LiveSessionOptions } = {}): Promise<LaunchedLive> {
  let text = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  const conn = await openTarget({ launch: { command: [opts.node ?? 'node', script], cwd: opts.cwd, breakOnStart: true, output: sink } });
  t.after(() => conn.close());
  const live = await startLiveSessionAtStart(conn, opts.live);
  t.after(() => live.stop());
  return {
    conn,
    live,
    output: () => text,
    waitForOutput: (re, timeoutMs = 60000) => until(`${re} in the program's output`, async () => re.exec(text)?.[0], timeoutMs, 100),
  };
}

/** A fixture program started with an inspector, printed `ready`, connected and watched (stopped after the test). */
export async function watchFixture(t: TestContext, file: string, opts?: LiveSessionOptions) {
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const live = await startLiveSession(conn, opts);
  t.after(() => live.stop().catch(() => undefined));
  return { target, conn, live };
}
