/**
 * Instructions per operation of three workloads, per setTimeout + clearTimeout pair (timer churn), per
 * callback run of 2,000 intervals of 1-5 ms, and per response of a keep-alive HTTP server in the same
 * process (8 clients; Node makes one socket timeout per request), counted by valgrind: deterministic where
 * bench/overhead.ts's throughput is not (on this shared VM, allocation-heavy code like timer churn swings
 * by up to 2x in phases of seconds, in one process, with no tool at all; a pure arithmetic loop varies by
 * 1 %). Each condition runs bench/fixtures/workloadInstructions.js twice under
 * `valgrind --tool=cachegrind --cache-sim=no` with `node --single-threaded` (0 and N measured pairs);
 * the difference over N is the cost of one pair, the process's GC and JIT included.
 *   none      no tool
 *   touched   an inert accessor on Timeout.prototype (the floor of any tool that hooks that prototype)
 *   detached  the agent started and stopped (between `touched` and `none` on churn: see docs/performance.md)
 *   agent     the agent running, flushing every 100 ms of *undilated* time: valgrind runs the target
 *             ~25x slower, so flushMs is scaled by the dilation measured first (`rate` natively and
 *             under valgrind), keeping the agent's per-flush work in proportion to the pairs between flushes
 * Under valgrind the interval workload's loop is saturated (its callbacks take 25x longer): its figures
 * compare conditions with each other, not with the undilated program, and they depend on the JIT's
 * history (a no-tool run with a longer warm-up counts ~15 % fewer instructions per callback): read them
 * to ±15 %. Churn and HTTP repeat within ±0.5 % for one build and fixture, but edits of the fixture that
 * change nothing measured moved churn by up to 5 %: compare conditions of one run.
 * Needs valgrind (apt-get install valgrind) and a built dist/agent.js. Takes ~15 minutes (http: 8 of them).
 *   node --import tsx bench/instructions.ts [--ops N] [--conditions none,agent] [--workloads churn,intervals]
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
/** Operations measured: --ops for churn and intervals; HTTP responses are ~45x dearer (20,000). */
const OPS = Number(arg('--ops') ?? 400000);
const opsOf = (w: string) => (w === 'http' ? Math.round(OPS / 20) : OPS);
const WORKLOADS = arg('--workloads')?.split(',') ?? ['churn', 'intervals', 'http'];
const CONDITIONS = arg('--conditions')?.split(',') ?? ['none', 'touched', 'detached', 'agent'];
const fixture = path.join(__dirname, 'fixtures', 'workloadInstructions.js');
const NODE_FLAGS = ['--single-threaded'];

function run(underValgrind: boolean, args: string[]): string {
  const cmd = underValgrind ? 'valgrind' : process.execPath;
  const argv = underValgrind
    ? ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, ...NODE_FLAGS, fixture, ...args]
    : [...NODE_FLAGS, fixture, ...args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}${underValgrind ? ' (install valgrind: apt-get install valgrind)' : ''}`);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}:\n${r.stderr.slice(-2000)}`);
  return r.stdout + r.stderr;
}

function instructions(args: string[]): number {
  const out = run(true, args);
  const m = /I\s+refs:\s+([\d,]+)/.exec(out);
  if (!m) throw new Error(`no instruction count in valgrind's output:\n${out.slice(-2000)}`);
  return Number(m[1].replace(/,/g, ''));
}

function rate(underValgrind: boolean): number {
  const m = /RATE (\S+)/.exec(run(underValgrind, ['churn', 'rate']));
  if (!m) throw new Error('the rate run printed no RATE');
  return Number(m[1]);
}

const dilation = rate(false) / rate(true);
const flushMs = Math.round(100 * dilation);
console.log(`node ${process.version}, valgrind dilation ${dilation.toFixed(1)}x: the agent flushes every ${flushMs} ms under valgrind (100 ms undilated)`);
for (const w of WORKLOADS) {
  const perOp: Record<string, number> = {};
  for (const c of CONDITIONS) {
    const extra = [String(flushMs)];
    const base = instructions([w, c, '0', ...extra]);
    const withOps = instructions([w, c, String(opsOf(w)), ...extra]);
    perOp[c] = (withOps - base) / opsOf(w);
    const ratio = perOp.none ? ` (no tool / this = ${(perOp.none / perOp[c]).toFixed(3)})` : '';
    console.log(`${w.padEnd(9)} ${c.padEnd(9)} ${perOp[c].toFixed(0)} instructions per ${{ churn: 'set+clear pair', intervals: 'callback run', http: 'response' }[w] ?? 'operation'}${ratio}`);
  }
}
