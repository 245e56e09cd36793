/**
 * Language-server benchmark, measured in one run on one machine:
 *   1. a 10,000-line TypeScript file: first parse + analysis, analysis of the parsed tree, and re-analysis
 *      after one-character edits, through the analysis API (bundled like the server) and through the real
 *      server over stdio (didOpen/didChange → publishDiagnostics);
 *   2. a 2,000-file workspace indexed by the real server from disk (timerscope/callSites for every file):
 *      time and the server's peak RSS.
 * Baselines from the same run: a plain TypeScript parse of the same text (and TypeScript's own
 * incremental re-parse of the same edit), and the idle server's RSS. Wall and CPU time (process.cpuUsage,
 * /proc/<pid>/stat for the server) are both printed: on a shared machine wall times grow with the other
 * load, CPU times much less.
 *   node --import tsx bench/lsp.ts [--quick]
 * Targets: < 100 ms for the file after the first parse, edits < 20 ms, workspace peak RSS < 200 MB.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type tsModule from 'typescript';
import { CallSitesRequest } from '../src/shared/lspProtocol';
import { LspClient } from '../test/unit/server/lspClient';
import { generateSource } from './fixtures/lspCorpus';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 5 : 15;
const EDITS = quick ? 20 : 60;
const FILES = 2000;

type AnalysisApi = typeof import('../src/server/analysis/analyze') & typeof import('../src/server/analysis/parse') & { ts: typeof tsModule };

/**
 * The analysis bundled by esbuild like dist/server.js (so the API figures are the server's code), with the
 * TypeScript copy it bundles, which the baselines use too.
 */
function loadBundledAnalysis(dir: string): AnalysisApi {
  const entry = join(dir, 'entry.ts');
  const root = join(__dirname, '..', 'src', 'server', 'analysis');
  writeFileSync(entry, `export * from ${JSON.stringify(join(root, 'analyze'))};\nexport * from ${JSON.stringify(join(root, 'parse'))};\n`
    + "export { default as ts } from 'typescript';\n");
  const outfile = join(dir, 'analysis.js');
  esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node18', outfile, logLevel: 'warning', nodePaths: [join(__dirname, '..', 'node_modules')] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(outfile) as AnalysisApi;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs: number[]) => Math.min(...xs);
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const time = (f: () => void) => { const t0 = performance.now(); f(); return performance.now() - t0; };
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** CPU milliseconds a process has used so far (Linux /proc; undefined elsewhere). */
function procCpuMs(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms clock ticks
  } catch {
    return undefined;
  }
}

function procStatus(pid: number): { rssMb: number; peakMb: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** A one-character edit inside a function body near the middle of the file (offset in `text`). */
function editOffset(text: string, i: number): number {
  // From the middle on, wrapping around to the start (60 edits × 997 would run past the end of the file).
  const needle = 'const now = Date.now();';
  const from = (Math.floor(text.length / 2) + i * 997) % text.length;
  const at = text.indexOf(needle, from);
  return (at >= 0 ? at : text.indexOf(needle)) + 'const now'.length;
}

/** TypeScript's own incremental re-parse (the baseline, and the analysis's path before statementReparse.ts). */
function tsReparse(ts: typeof tsModule, sf: tsModule.SourceFile, e: { start: number; end: number; newText: string }): tsModule.SourceFile {
  const text = sf.text.slice(0, e.start) + e.newText + sf.text.slice(e.end);
  return ts.updateSourceFile(sf, text, ts.createTextChangeRange(ts.createTextSpan(e.start, e.end - e.start), e.newText.length), false);
}

/** Wall and CPU milliseconds of one call. */
type Sample = { wall: number; cpu: number };
function sample(f: () => void): Sample {
  const c0 = process.cpuUsage();
  const wall = time(f);
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}
type Series = { wall: number[]; cpu: number[] };
const series = (): Series => ({ wall: [], cpu: [] });
const push = (s: Series, x: Sample) => { s.wall.push(x.wall); s.cpu.push(x.cpu); };

function benchApi(api: AnalysisApi, text: string) {
  const { ts } = api;
  const parse = series();
  const first = series();
  const analyze = series();
  for (let r = 0; r < RUNS; r++) {
    push(parse, sample(() => ts.createSourceFile('big.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)));
    let sf!: tsModule.SourceFile;
    push(first, sample(() => { sf = api.parse('big.ts', text, ts.ScriptKind.TS); api.analyze(sf); }));
    push(analyze, sample(() => api.analyze(sf)));
  }
  let sf = api.parse('big.ts', text, ts.ScriptKind.TS);
  let a = api.analyze(sf);
  // The same edits through TypeScript's re-parse on a second document: the path before the one-statement re-parse.
  let sfTs = api.parse('big.ts', text, ts.ScriptKind.TS);
  let aTs = api.analyze(sfTs);
  const reparse = series();
  const edit = series();
  const editTs = series();
  const reparseOnly = series();
  for (let i = 0; i < EDITS; i++) {
    const at = editOffset(sf.text, i);
    const e = { start: at, end: i % 2 ? at + 1 : at, newText: i % 2 ? '' : 'x' };
    // Baseline: TypeScript's own incremental re-parse of the same edit, on a copy of the tree.
    const copy = ts.createSourceFile('copy.ts', sf.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    push(reparse, sample(() => tsReparse(ts, copy, e)));
    const copy2 = ts.createSourceFile('copy.ts', sf.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    push(reparseOnly, sample(() => api.reparse(copy2, [e])));
    push(edit, sample(() => { sf = api.reparse(sf, [e]); a = api.analyze(sf, a); }));
    push(editTs, sample(() => { sfTs = tsReparse(ts, sfTs, e); aTs = api.analyze(sfTs, aTs); void aTs.findings.length; }));
  }
  return { parse, first, analyze, reparse, reparseOnly, edit, editTs, findings: a.findings.length, sites: a.sites.length };
}

async function benchServerFile(text: string) {
  const client = await LspClient.start();
  try {
    const uri = 'file:///bench/big.ts';
    const t0 = performance.now();
    await client.open(uri, text);
    const diagnostics = await client.diagnostics(uri);
    const openMs = performance.now() - t0;
    const c0 = performance.now();
    const lenses = await client.codeLenses(uri);
    const lensMs = performance.now() - c0;
    const editMs: number[] = [];
    const cpu0 = procCpuMs(client.proc.pid!);
    for (let i = 0; i < EDITS; i++) {
      const cur = client.text(uri);
      const at = editOffset(cur, i);
      const pos = (() => { const before = cur.slice(0, at).split('\n'); return { line: before.length - 1, character: before[before.length - 1].length }; })();
      const range = i % 2 ? { start: pos, end: { line: pos.line, character: pos.character + 1 } } : { start: pos, end: pos };
      const e0 = performance.now();
      const v = await client.change(uri, [{ range, text: i % 2 ? '' : 'x' }]);
      await client.diagnostics(uri, v);
      editMs.push(performance.now() - e0);
    }
    const cpu1 = procCpuMs(client.proc.pid!);
    const editCpuMs = cpu0 !== undefined && cpu1 !== undefined ? (cpu1 - cpu0) / EDITS : undefined;
    return { openMs, lensMs, lenses: lenses.length, diagnostics: diagnostics.length, editMs, editCpuMs, status: procStatus(client.proc.pid!) };
  } finally {
    await client.shutdown().catch(() => client.kill());
  }
}

async function benchWorkspace(dir: string, ts: typeof tsModule) {
  const files: string[] = [];
  let lines = 0;
  for (let i = 0; i < FILES; i++) {
    const text = generateSource(120 + (i % 9) * 20, i);
    lines += text.split('\n').length;
    const f = join(dir, `src${i % 40}`, `module${i}.ts`);
    if (i < 40) mkdirSync(join(dir, `src${i}`), { recursive: true });
    writeFileSync(f, text);
    files.push(f);
  }
  // Baseline: plain TypeScript parses of every file in this process.
  const parse = sample(() => {
    for (const f of files) ts.createSourceFile(f, readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  });
  const client = await LspClient.start();
  try {
    const idle = procStatus(client.proc.pid!);
    const cpu0 = procCpuMs(client.proc.pid!);
    let sites = 0;
    const t0 = performance.now();
    for (let i = 0; i < files.length; i += 50) {
      const batch = files.slice(i, i + 50).map(f => client.conn.sendRequest(CallSitesRequest.type, { uri: pathToFileURL(f).href }));
      for (const r of await Promise.all(batch)) sites += r.sites.length;
    }
    const indexMs = performance.now() - t0;
    const cpu1 = procCpuMs(client.proc.pid!);
    const indexCpuMs = cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : undefined;
    return { files: files.length, lines, sites, parse, indexMs, indexCpuMs, idle, after: procStatus(client.proc.pid!) };
  } finally {
    await client.shutdown().catch(() => client.kill());
  }
}

async function main() {
  const tmp = mkdtempSync(join(os.tmpdir(), 'timerscope-lsp-bench-'));
  try {
    const cpu = os.cpus();
    console.log(`language-server benchmark, ${new Date().toISOString()}, node ${process.version}, ${cpu[0]?.model ?? '?'} × ${cpu.length}, `
      + `${(os.totalmem() / 2 ** 30).toFixed(1)} GB, load average ${os.loadavg().map(l => l.toFixed(1)).join(' ')}`);
    const text = generateSource(10_000);
    const api = loadBundledAnalysis(tmp);

    const a = benchApi(api, text);
    const m = (x: Series) => `${ms(median(x.wall))} (CPU ${ms(median(x.cpu))})`;
    const ratio = (x: Series, base: Series) => `${(median(x.wall) / median(base.wall)).toFixed(2)}× wall, ${(median(x.cpu) / median(base.cpu)).toFixed(2)}× CPU`;
    console.log(`\n10,000-line file (${text.split('\n').length} lines, ${a.sites} timer calls, ${a.findings} findings), medians of ${RUNS} runs / ${EDITS} edits, wall (CPU):`);
    console.log(`  baseline: TypeScript parse ${m(a.parse)}; TypeScript incremental re-parse of one edit ${m(a.reparse)}`);
    console.log(`  API first parse + analysis        ${m(a.first)}: ${ratio(a.first, a.parse)} a plain parse`);
    console.log(`  API analysis after the parse      ${m(a.analyze)}: ${ratio(a.analyze, a.parse)} a plain parse; best ${ms(best(a.analyze.wall))}`);
    console.log(`  API re-parse of the edit alone    ${m(a.reparseOnly)}: ${ratio(a.reparseOnly, a.reparse)} TypeScript's re-parse (one-statement re-parse)`);
    console.log(`  API edit, re-parse + re-analysis  ${m(a.edit)}: ${ratio(a.edit, a.reparse)} TypeScript's re-parse alone; best ${ms(best(a.edit.wall))}, p95 ${ms(p95(a.edit.wall))}`);
    console.log(`  API edit via TypeScript's re-parse (before) ${m(a.editTs)}: ${ratio(a.edit, a.editTs)} for the current path`);

    const s = await benchServerFile(text);
    const reparseWall = median(a.reparse.wall);
    console.log(`  server didOpen → diagnostics ${ms(s.openMs)} (${s.diagnostics} diagnostics); codeLens ${ms(s.lensMs)} (${s.lenses} lenses)`);
    console.log(`  server didChange → diagnostics ${ms(median(s.editMs))}: ${(median(s.editMs) / reparseWall).toFixed(2)}× TypeScript's re-parse; best ${ms(best(s.editMs))}, p95 ${ms(p95(s.editMs))}`
      + (s.editCpuMs !== undefined ? `; server CPU per edit ${ms(s.editCpuMs)} (${(s.editCpuMs / median(a.reparse.cpu)).toFixed(2)}× the re-parse's CPU)` : ''));

    const w = await benchWorkspace(join(tmp, 'workspace'), api.ts);
    console.log(`\n${w.files}-file workspace (${w.lines} lines, ${w.sites} timer calls) indexed by the server from disk:`);
    console.log(`  baseline: TypeScript parse of every file in-process ${ms(w.parse.wall)} (CPU ${ms(w.parse.cpu)})`);
    console.log(`  server timerscope/callSites for every file ${ms(w.indexMs)} (${(w.indexMs / w.parse.wall).toFixed(2)}× wall)`
      + (w.indexCpuMs !== undefined ? `; server CPU ${ms(w.indexCpuMs)} (${(w.indexCpuMs / w.parse.cpu).toFixed(2)}× CPU)` : ''));
    if (w.idle && w.after) {
      console.log(`  server RSS: idle ${w.idle.rssMb.toFixed(0)} MB, after indexing ${w.after.rssMb.toFixed(0)} MB, peak ${w.after.peakMb.toFixed(0)} MB (${(w.after.peakMb / w.idle.rssMb).toFixed(2)}× idle)`);
    }

    const verdict = (x: number, limit: number) => `${ms(x)} ${x < limit ? 'PASS' : 'FAIL'}`;
    console.log('');
    console.log(`machine load average at the end: ${os.loadavg().map(l => l.toFixed(1)).join(' ')} (${cpu.length} cores): wall times grow with it, CPU times much less`);
    console.log(`target: analysis of the 10,000-line file after the first parse < 100 ms: wall ${verdict(median(a.analyze.wall), 100)}, CPU ${verdict(median(a.analyze.cpu), 100)}`);
    console.log(`target: edit re-analysed < 20 ms: server didChange → diagnostics wall ${verdict(median(s.editMs), 20)}`
      + (s.editCpuMs !== undefined ? `, server CPU ${verdict(s.editCpuMs, 20)}` : '') + `; API re-parse + re-analysis CPU ${verdict(median(a.edit.cpu), 20)}`);
    if (w.after) console.log(`target: workspace peak RSS < 200 MB: ${w.after.peakMb.toFixed(0)} MB ${w.after.peakMb < 200 ? 'PASS' : 'FAIL'}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
