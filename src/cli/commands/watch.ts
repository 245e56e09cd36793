/** `timerscope watch`: live per-timer lateness, callback time and leaks of a running Node.js process. */
import { UserError } from '../../common/errors';
import { openTarget, type TargetConnection } from '../../inspector/connect';
import { startLiveSessionAtStart } from '../../inspector/liveLaunch';
import { startLiveSession, type LiveSession } from '../../inspector/liveSession';
import { DEFAULT_LIVE_THRESHOLDS, RULE_GROUPS, type LiveThresholds } from '../../model/liveSettings';
import { formatFindingLine, formatWatchTable } from '../../model/watchReport';
import type { Finding } from '../../shared/findings';
import { connectionHelp, parseConnectionArgs, parseDurationMs } from '../connectionArgs';

export const summary = 'watch timers live: lateness, callback time, leaks, churn (injects a removable agent)';

const help = `usage: timerscope watch [connection] [--duration 10s] [--json] [--fail-on leak,late,...]

Injects a small agent into the process (and its worker threads) that measures every timer: how late it
fires, how long its callback runs, whether a call site's timers pile up. On a terminal the table refreshes
every second (sites by severity, live-count trend, p99 lateness); otherwise findings are printed as lines.
When the watch ends (--duration, Ctrl-C, or the program exits) the agent is removed and every timer is
exactly as before. With --launch the program is held at its first line until the agent is in place.

${connectionHelp}

options:
  --duration D        stop after D (500ms, 10s, 2m), counted from when measuring starts; default: until
                      Ctrl-C or the program exits
  --after MS          with --launch: skip the program's start-up, i.e. let it run MS ms (or 2s…) unobserved,
                      then attach; timers alive then are adopted and measured from then on. Default: measure
                      from its first line. Rejected without --launch (that process is already running).
  --json              print the final timerscope.watch/v1 report as JSON (nothing else on stdout)
  --fail-on LIST      exit 1 when findings of these rules exist: ${Object.keys(RULE_GROUPS).join(', ')} or rule ids
                      (e.g. leak.growth), comma-separated; 'any' for every rule
  --threshold K=V     override a finding threshold (repeatable): ${Object.keys(DEFAULT_LIVE_THRESHOLDS).join(', ')}

examples:
  timerscope watch --port 9229
  timerscope watch --launch -- node dist/server.js
  timerscope watch --pid 4242 --duration 30s --json --fail-on leak,late > watch.json`;

export const liveOptions = {
  duration: { type: 'string' },
  threshold: { type: 'string', multiple: true },
} as const;

/** `--threshold lateSloMs=20` values → thresholds. */
export function parseThresholds(values: string[] | undefined): Partial<LiveThresholds> {
  const out: Partial<LiveThresholds> = {};
  for (const v of values ?? []) {
    const m = /^([A-Za-z]+)=(\d+(?:\.\d+)?)$/.exec(v);
    if (!m || !(m[1] in DEFAULT_LIVE_THRESHOLDS)) {
      throw new UserError(`--threshold needs NAME=NUMBER with NAME one of ${Object.keys(DEFAULT_LIVE_THRESHOLDS).join(', ')}; got '${v}'`, 2);
    }
    out[m[1] as keyof LiveThresholds] = Number(m[2]);
  }
  return out;
}

/** `--fail-on leak,late` → the rule ids it covers. */
export function parseFailOn(text: string | undefined): Set<string> | undefined {
  if (text === undefined) return undefined;
  const all = new Set(Object.values(RULE_GROUPS).flat());
  const out = new Set<string>();
  for (const part of text.split(',').map(s => s.trim()).filter(Boolean)) {
    if (part === 'any') all.forEach(r => out.add(r));
    else if (RULE_GROUPS[part]) RULE_GROUPS[part].forEach(r => out.add(r));
    else if (all.has(part)) out.add(part);
    else throw new UserError(`--fail-on: unknown rule '${part}' (use ${Object.keys(RULE_GROUPS).join(', ')}, any, or a rule id like leak.growth)`, 2);
  }
  if (out.size === 0) throw new UserError('--fail-on needs at least one rule, e.g. --fail-on leak,late', 2);
  return out;
}

/**
 * --after for live commands: with --launch, how long the program runs before measuring starts (0: from its
 * first line). Without --launch it is refused by parseConnectionArgs.
 */
function liveAfterMs(args: ReturnType<typeof parseConnectionArgs<typeof liveOptions>>): number {
  return args.values.after === undefined ? 0 : args.afterMs;
}

export type LiveRun = { conn: TargetConnection; session: LiveSession; elapsedMs: number; endedBy: string };

/**
 * Connects, starts a live session, lets `during` show progress, and ends on --duration, Ctrl-C or the
 * target's exit; the agent is removed before this returns (the connection is closed by `finish`).
 */
export async function runLiveSession(
  args: ReturnType<typeof parseConnectionArgs<typeof liveOptions>>,
  during: (session: LiveSession) => () => void,
): Promise<LiveRun & { finish(): Promise<void> }> {
  const v = args.values as { duration?: string; threshold?: string[] };
  const durationMs = v.duration !== undefined ? parseDurationMs(v.duration, '--duration') : undefined;
  if (durationMs === 0) throw new UserError('--duration must be longer than 0', 2);
  const thresholds = parseThresholds(v.threshold);
  const afterMs = liveAfterMs(args);
  // A launched program is held at its first line until the agent is in: nothing runs unobserved, unless
  // --after asks to skip its start-up (it then runs unobserved that long and is attached to like any other).
  if (args.connect.launch) Object.assign(args.connect.launch, { keep: args.keep, breakOnStart: afterMs === 0 });
  const conn = await openTarget(args.connect);
  let session: LiveSession;
  let startedAt = Date.now();
  try {
    if (afterMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise(r => (timer = setTimeout(r, afterMs))), conn.closed]);
      clearTimeout(timer);
      if (conn.isClosed()) throw new UserError(`the program exited before --after ${afterMs} ms had passed; nothing was measured (use a smaller --after)`);
    }
    const liveOpts = { thresholds, onWarning: (m: string) => console.error(`timerscope: warning: ${m}`) };
    session = conn.child && afterMs === 0 ? await startLiveSessionAtStart(conn, liveOpts) : await startLiveSession(conn, liveOpts);
    // --duration counts from the moment measuring starts.
    startedAt = Date.now();
  } catch (err) {
    await conn.close({ killChild: !args.keep });
    throw err;
  }
  const stopShowing = during(session);
  let timer: NodeJS.Timeout | undefined;
  let onSigint!: () => void;
  const endedBy = await new Promise<string>(resolve => {
    if (durationMs !== undefined) timer = setTimeout(() => resolve('duration'), durationMs);
    process.once('SIGINT', (onSigint = () => resolve('interrupted')));
    session.onDidEnd(e => resolve(e.reason));
  });
  clearTimeout(timer);
  process.removeListener('SIGINT', onSigint);
  stopShowing();
  await session.stop().catch(() => undefined);
  return {
    conn,
    session,
    elapsedMs: Date.now() - startedAt,
    endedBy,
    finish: () => conn.close({ killChild: !args.keep }),
  };
}

function findingKey(f: Finding): string {
  return `${f.rule}|${f.threadId ?? 0}|${f.site.file}|${f.site.line}`;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseConnectionArgs(argv, { ...liveOptions, json: { type: 'boolean' }, 'fail-on': { type: 'string' } }, 0);
  if (args.values.help) {
    console.log(help);
    return 0;
  }
  const failOn = parseFailOn(args.values['fail-on'] as string | undefined);
  const json = Boolean(args.values.json);
  const tty = Boolean(process.stdout.isTTY) && !json;
  const seen = new Set<string>();
  const run = await runLiveSession(args, session => {
    const cwd = session.process.cwd;
    if (json) return () => undefined;
    if (tty) {
      const draw = () => process.stdout.write('\x1b[H\x1b[2J' + formatWatchTable(session.report(), { cwd, width: process.stdout.columns }) + '\n\n(Ctrl-C to stop)\n');
      draw();
      const iv = setInterval(draw, 1000);
      return () => clearInterval(iv);
    }
    console.log(`watching pid ${session.process.pid} (node ${session.process.nodeVersion}); findings appear below as they are made`);
    const sub = session.onDidUpdate(u => {
      for (const f of u.delta.findings ?? []) {
        if (seen.has(findingKey(f))) continue;
        seen.add(findingKey(f));
        console.log(formatFindingLine(f, u.nowMs, cwd));
      }
    });
    return () => sub.dispose();
  });
  try {
    const report = run.session.report();
    if (json) console.log(JSON.stringify(report, null, 2));
    else {
      if (tty) process.stdout.write('\x1b[H\x1b[2J');
      console.log(formatWatchTable(report, { cwd: run.session.process.cwd, width: process.stdout.columns ?? 120 }));
      console.log(`\nwatched ${(run.elapsedMs / 1000).toFixed(1)} s (${run.endedBy}); the agent was removed`);
    }
    const failing = failOn ? report.findings.filter(f => failOn.has(f.rule)) : [];
    if (failing.length) {
      console.error(`timerscope: ${failing.length} finding(s) match --fail-on: ${[...new Set(failing.map(f => f.rule))].join(', ')}`);
      return 1;
    }
    return 0;
  } finally {
    await run.finish();
  }
}
