/**
 * Live-mode overhead benchmark: throughput of five workloads (bench/fixtures/workload.js: timer churn,
 * interval-heavy twice (2,000 intervals recreated every window, and 2,000 long-lived ones created once,
 * before any tool), promise-heavy, HTTP on loopback), each in a target process of its own (one workload's
 * type feedback in Node's shared timer code made another's re-optimizations a lottery: the same
 * condition measured 0.5-2x between rounds), under these conditions, measured in one run:
 *   none         nothing injected (the baseline; the CDP connection used to drive the target is open)
 *   agent        Timerscope attached like `timerscope watch` does (startLiveSession: agent over
 *                Runtime.evaluate, batches over Runtime.addBinding into the host's live model), the
 *                window right after the attach (its warm-up only): the agent's one-time costs included
 *   agent-settled  the same session, measured again (WINDOWS windows) after SETTLE_WINDOWS more windows:
 *                what a process watched for more than a few seconds pays (every attach evaluates a fresh
 *                agent, whose code V8 optimizes over the first windows, and the workload's window-start and
 *                window-end code paths run once a window)
 *   detached     after the session was stopped (must equal none)
 *   async_hooks  a why-is-node-running style recorder (init hook + a stack per resource)
 *   proto-touched  an inert accessor on Timeout.prototype, nothing else: what V8's re-optimization of
 *                Node's timer code costs any tool that hooks the prototype (the floor for `agent`)
 * Each round measures every condition back to back, WINDOWS windows each, pooled (each condition preceded
 * by an unmeasured warm-up, 30% of a window unless --warmup MS; a single 1 s window is noisy by ±8 % even
 * on a quiet machine), alternating the order of the conditions between rounds; a
 * ratio is a condition's throughput over the baseline of the same round, and the table shows the median
 * over rounds (min-max after it), per wall-clock second and per second of the target's CPU time (steadier
 * on a shared machine; the interval workload's wall throughput is bounded by its periods). Worker threads
 * are not watched (`workers: false`): the workload has none. 2 cores shared with other work: expect noise.
 *   node --import tsx bench/overhead.ts [--quick] [--rounds N] [--window MS] [--warmup MS] [--settle N] [--windows K] [--workloads a,b] [--json FILE]
 * Targets: agent ≥ 0.90 on churn and ≥ 0.95 elsewhere, detached = none, async_hooks slower than agent.
 */
import { execSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openTarget, type TargetConnection } from '../src/inspector/connect';
import { startLiveSession, type LiveSession } from '../src/inspector/liveSession';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const quick = process.argv.includes('--quick');
const ROUNDS = Number(arg('--rounds') ?? (quick ? 2 : 4));
const WINDOW_MS = Number(arg('--window') ?? (quick ? 500 : 1000));
const WARMUP_MS = Number(arg('--warmup') ?? Math.round(WINDOW_MS * 0.3));
/** Unmeasured windows between the `agent` and the `agent-settled` measurement of one attach. */
const SETTLE_WINDOWS = Number(arg('--settle') ?? (quick ? 2 : 6));
/** Windows pooled into one measurement of a condition (the `agent` one after attach is always one). */
const WINDOWS = Number(arg('--windows') ?? (quick ? 1 : 3));
const jsonOut = arg('--json');
const ALL_WORKLOADS = ['churn', 'intervals', 'intervals-steady', 'promises', 'http'] as const;
/** `--workloads churn,intervals`: a subset, e.g. while working on one of them. */
const WORKLOADS = (arg('--workloads')?.split(',') ?? ALL_WORKLOADS).filter((w): w is Workload =>
  (ALL_WORKLOADS as readonly string[]).includes(w),
);
const CONDITIONS = ['none', 'agent', 'agent-settled', 'detached', 'async_hooks', 'proto-touched'] as const;
type Workload = (typeof ALL_WORKLOADS)[number];
type Condition = (typeof CONDITIONS)[number];
const TARGET: Record<Workload, number> = { churn: 0.9, intervals: 0.95, 'intervals-steady': 0.95, promises: 0.95, http: 0.95 };

async function evaluate<T>(conn: TargetConnection, expression: string): Promise<T> {
  const r = await conn.client.Runtime.evaluate({ expression, awaitPromise: true, returnByValue: true });
  if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
  return r.result.value as T;
}

/** One workload window: operations per wall-clock second and per second of the target's CPU time. */
type Sample = { wall: number; cpu: number };
async function measure(conn: TargetConnection, w: Workload, windows = 1): Promise<Sample> {
  let ops = 0;
  let ms = 0;
  let cpuMs = 0;
  for (let i = 0; i < windows; i++) {
    const r = await evaluate<{ ops: number; ms: number; cpuMs: number }>(conn, `__bench.run(${JSON.stringify(w)}, ${WINDOW_MS})`);
    ops += r.ops;
    ms += r.ms;
    cpuMs += r.cpuMs;
  }
  return { wall: (ops / ms) * 1000, cpu: (ops / cpuMs) * 1000 };
}

/** Attaches like `timerscope watch` and waits for the first batch to be applied. */
async function attach(conn: TargetConnection): Promise<LiveSession> {
  const live = await startLiveSession(conn, { workers: false });
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no batch from the agent within 10 s')), 10000);
    const sub = live.onDidUpdate(() => {
      clearTimeout(t);
      sub.dispose();
      resolve();
    });
  });
  return live;
}

/** An unmeasured run first: after a tool comes or goes, V8 re-optimizes Node's timer code and collects. */
async function settledMeasure(conn: TargetConnection, w: Workload, windows = WINDOWS): Promise<Sample> {
  await evaluate(conn, `__bench.run(${JSON.stringify(w)}, ${WARMUP_MS})`);
  return measure(conn, w, windows);
}

/** Runs one condition's window for a workload; `agent` leaves the state `detached` for the next one. */
async function runCondition(conn: TargetConnection, w: Workload, c: Condition, out: Record<Condition, Sample[]>): Promise<Sample> {
  if (c === 'agent') {
    const live = await attach(conn);
    try {
      const first = await settledMeasure(conn, w, 1);
      for (let i = 0; i < SETTLE_WINDOWS; i++) await measure(conn, w);
      out['agent-settled'].push(await measure(conn, w, WINDOWS));
      return first;
    } finally {
      await live.stop();
    }
  }
  // The in-target switches of bench/fixtures/workload.js: on for the window, off after it.
  const toggle = c === 'proto-touched' ? '__bench.touch' : c === 'async_hooks' ? '__bench.recorder' : undefined;
  if (toggle) {
    await evaluate(conn, `${toggle}.enable()`);
    try {
      return await settledMeasure(conn, w);
    } finally {
      await evaluate(conn, `${toggle}.disable()`);
    }
  }
  return settledMeasure(conn, w);
}

/** Condition order of a round: alternated so that drift does not favour one condition. */
function orderOf(round: number): Condition[] {
  return round % 2 === 0
    ? ['none', 'agent', 'detached', 'async_hooks', 'proto-touched']
    : ['proto-touched', 'async_hooks', 'agent', 'detached', 'none'];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

type Ratio = { median: number; min: number; max: number };
const fmt = (x: Ratio) => `${x.median.toFixed(3)} (${x.min.toFixed(2)}–${x.max.toFixed(2)})`;

function summarize(byCondition: Record<Condition, Sample[]>, metric: keyof Sample, w: Workload) {
  const base = byCondition.none.map(s => s[metric]);
  const ratios = Object.fromEntries(
    CONDITIONS.filter(c => c !== 'none').map(c => {
      const r = byCondition[c].map((s, i) => s[metric] / base[i]);
      return [c, { median: median(r), min: Math.min(...r), max: Math.max(...r) }];
    }),
  ) as Record<Exclude<Condition, 'none'>, Ratio>;
  const baseSpread = { min: Math.min(...base) / median(base), max: Math.max(...base) / median(base) };
  return { workload: w, none: median(base), baseSpread, ratios, target: TARGET[w] };
}

export function machine() {
  const cpu = (() => {
    try {
      return /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
    } catch {
      return os.cpus()[0]?.model;
    }
  })();
  const nproc = (() => {
    try {
      return Number(execSync('nproc').toString().trim());
    } catch {
      return os.cpus().length;
    }
  })();
  return { date: new Date().toISOString(), nproc, cpu, node: process.version, load: os.loadavg().map(l => l.toFixed(2)).join(' ') };
}

async function main() {
  const info = machine();
  console.log(`overhead benchmark: ${info.date}, ${info.nproc} cores (${info.cpu}), node ${info.node}, load ${info.load}`);
  console.log(
    `${ROUNDS} rounds × ${WORKLOADS.length} workloads (a target process each) × ${CONDITIONS.length} conditions, ${WINDOWS} × ${WINDOW_MS} ms windows per condition, settled after ${SETTLE_WINDOWS} more`,
  );
  const samples: Record<Workload, Record<Condition, Sample[]>> = Object.fromEntries(
    WORKLOADS.map(w => [w, Object.fromEntries(CONDITIONS.map(c => [c, [] as Sample[]]))]),
  ) as never;
  for (const w of WORKLOADS) {
    const conn = await openTarget({
      launch: { command: [process.execPath, path.join(__dirname, 'fixtures', 'workload.js')], output: 'ignore' },
    });
    try {
      for (;;) {
        const ready = await evaluate<boolean>(conn, 'globalThis.__bench?.ready === true').catch(() => false);
        if (ready) break;
        await new Promise(r => setTimeout(r, 100));
      }
      // Warm-up: JIT and the HTTP server, not counted.
      await measure(conn, w, 2);
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of orderOf(round)) samples[w][c].push(await runCondition(conn, w, c, samples[w]));
        process.stdout.write(`${w}: round ${round + 1}/${ROUNDS} done\n`);
      }
    } finally {
      await conn.close({ killChild: true });
    }
  }

  const tables = (['wall', 'cpu'] as const).map(metric => ({ metric, rows: WORKLOADS.map(w => summarize(samples[w], metric, w)) }));
  for (const { metric, rows } of tables) {
    console.log(
      metric === 'wall'
        ? '\nThroughput (operations per wall-clock second), ratio to no tool:'
        : "\nWork per CPU second of the target (all its threads: agent flushes and GC included), ratio to no tool:",
    );
    console.log(
      '| workload | no tool (spread) | Timerscope attached (first second) | attached, settled | detached | async_hooks recorder | prototype touched | target | met (first second / settled) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of rows) {
      const met = (x: Ratio) =>
        x.median >= r.target && r.ratios.async_hooks.median < x.median && Math.abs(r.ratios.detached.median - 1) <= 0.05 ? 'yes' : 'NO';
      console.log(
        `| ${r.workload} | ${Math.round(r.none).toLocaleString('en-US')}/s (${r.baseSpread.min.toFixed(2)}–${r.baseSpread.max.toFixed(2)}) | ${fmt(r.ratios.agent)} | ${fmt(r.ratios['agent-settled'])} | ${fmt(r.ratios.detached)} | ${fmt(r.ratios.async_hooks)} | ${fmt(r.ratios['proto-touched'])} | ≥ ${r.target.toFixed(2)} | ${met(r.ratios.agent)} / ${met(r.ratios['agent-settled'])} |`,
      );
    }
  }
  console.log(
    `\nratio = condition / no tool in the same round (${WINDOWS} windows pooled each; the first second after attach: one); median (min–max) over rounds; detached counts as met within ±0.05; settled = the same attach after ${SETTLE_WINDOWS} more windows`,
  );
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine: info, rounds: ROUNDS, windowMs: WINDOW_MS, windows: WINDOWS, settleWindows: SETTLE_WINDOWS, tables, samples }, null, 2));
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
