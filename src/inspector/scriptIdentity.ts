/**
 * Script URLs without the Debugger domain.
 *
 * V8's `Debugger.enable` walks the whole heap (it collects source positions of every function), so the
 * usual way of learning script URLs stalls the target for ~30 ms at a 50 MB heap and 100-300 ms at 500 MB.
 * Instead, each script we need is identified by one function defined in it: its exact source text
 * (`Function.prototype.toString`) must stand at its exact [[FunctionLocation]] in exactly one candidate: a
 * loaded CommonJS module read from disk (`Module._cache`), one of Node's own loaded modules, or (ES modules,
 * which Node lists nowhere) a JavaScript file of the main script's project. Anything else (code transpiled in
 * memory by tsx or ts-node, eval, a dependency's ES module, two equal candidates) stays unidentified, and
 * the caller falls back to the Debugger domain.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findInNatives } from './remote/nativeScripts';
import { callOn, mapLimit, propertiesOf, remoteFunction, type Client, type FunctionLocation } from './remoteObjects';
import type { ScriptInfo } from './sourceResolver';

/** One function per script to identify; `index` is its place in the array of sample functions. */
export type ScriptSample = { scriptId: string; line0: number; column0: number };

/** Enough of a function's text to be unambiguous, short enough to ship cheaply. */
const TEXT_LIMIT = 2000;
/** Node modules searched per in-target call (each call stays around a millisecond). */
const NATIVES_PER_CALL = 40;

const LOADED_CJS_FILES = `(() => {
  const p = globalThis.process;
  let M;
  try { M = p && typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule('module') : require('module'); } catch (e) {}
  return M && M._cache ? Object.keys(M._cache) : [];
})()`;

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** True when `text` (a function's source) stands in `file` at [[FunctionLocation]] (line0, column0). */
export function definedAt(file: string, text: string, line0: number, column0: number, starts = lineStarts(file)): boolean {
  if (line0 >= starts.length) return false;
  const off = starts[line0] + column0;
  // The location is the function's first token (classes, arrows without parentheses) or its parameter list.
  const paren = text.indexOf('(');
  return file.startsWith(text, off) || (paren > 0 && off >= paren && file.startsWith(text, off - paren));
}

const TO_STRING = `function (limit) { try { return Function.prototype.toString.call(this).slice(0, limit); } catch (e) { return ''; } }`;
const BOUND_TEXT = /^function \(\) \{ \[native code\] \}$/;

/** The source text of each sample function; for bound functions, of their target (where the location is). */
async function sampleTexts(client: Client, fnArray: string, group: string): Promise<string[]> {
  const texts = await callOn<string[]>(client, fnArray, `function (limit) { return this.map(f => (${TO_STRING}).call(f, limit)); }`, [{ value: TEXT_LIMIT }], { byValue: true, group });
  const bound = texts.flatMap((t, k) => (BOUND_TEXT.test(t) ? [k] : []));
  if (bound.length === 0) return texts;
  const { props } = await propertiesOf(client, fnArray);
  for (const k of bound) {
    let id = props.find(p => p.name === String(k))?.value?.objectId;
    for (let depth = 0; id && depth < 5; depth++) {
      const target = (await propertiesOf(client, id)).internal.find(p => p.name === '[[TargetFunction]]')?.value?.objectId;
      if (!target) break;
      id = target;
    }
    texts[k] = id ? await callOn<string>(client, id, TO_STRING, [{ value: TEXT_LIMIT }], { byValue: true, group }) : '';
  }
  return texts;
}

/** Adds to `found[k]` every file of `files` that defines sample k (read from disk here, not in the target). */
async function matchFiles(files: string[], samples: ScriptSample[], texts: string[], found: string[][], toUrl: (file: string) => string): Promise<void> {
  await mapLimit(files, 16, async file => {
    let content: string;
    try {
      content = await fs.readFile(file, 'utf8');
    } catch {
      return;
    }
    if (content.charCodeAt(0) === 0xfeff) content = content.slice(1); // Node strips a BOM before compiling
    // V8 also ends lines at a lone \r, U+2028 and U+2029 (\r\n counts once, like \n): such files are left to the Debugger.
    if (/\r(?!\n)|[\u2028\u2029]/.test(content)) return;
    // A fixed-offset comparison per sample: cheap even for hundreds of samples across thousands of files.
    const starts = lineStarts(content);
    samples.forEach((s, k) => {
      if (texts[k] && definedAt(content, texts[k], s.line0, s.column0, starts)) found[k].push(toUrl(file));
    });
  });
}

async function loadedCommonJsFiles(client: Client): Promise<string[]> {
  const r = await client.Runtime.evaluate({ expression: LOADED_CJS_FILES, returnByValue: true, silent: true, includeCommandLineAPI: true });
  return r.exceptionDetails ? [] : ((r.result.value as string[]) ?? []);
}

/** Most files a project may have for the ES module search; a bigger tree is not searched (no guessing). */
const MAX_PROJECT_FILES = 5000;

/** Whether `.js` files in `dir` are ES modules, from its package.json (else what the parent folder said). */
async function jsIsModule(dir: string, inherited: boolean): Promise<boolean> {
  try {
    const pkg = JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as { type?: string };
    return pkg.type === 'module';
  } catch {
    return inherited;
  }
}

/**
 * The ES modules of the main script's project (the folder of its nearest package.json), outside
 * node_modules: `.mjs` files, and `.js` files where package.json says `"type": "module"` (CommonJS files
 * cannot be ES modules, and Module._cache already listed the loaded ones). These are the candidates for ES
 * modules, which Node lists nowhere. Undefined when the tree is too big to search.
 */
async function projectModules(mainScript: string | undefined): Promise<string[] | undefined> {
  if (!mainScript || !path.isAbsolute(mainScript)) return undefined;
  let root = path.dirname(mainScript);
  for (let dir = root, i = 0; i < 10; i++, dir = path.dirname(dir)) {
    if (await fs.access(path.join(dir, 'package.json')).then(() => true, () => false)) {
      root = dir;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  const out: string[] = [];
  let seen = 0;
  const walk = async (dir: string, inheritedModule: boolean): Promise<boolean> => {
    const isModule = await jsIsModule(dir, inheritedModule);
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!(await walk(p, isModule))) return false;
      } else if (e.isFile()) {
        if (++seen > MAX_PROJECT_FILES) return false;
        if (e.name.endsWith('.mjs') || (isModule && e.name.endsWith('.js'))) out.push(p);
      }
    }
    return true;
  };
  return (await walk(root, false)) ? out : undefined;
}

/** Node's own module defining each sample, searched inside the target a slice at a time. */
async function matchNatives(client: Client, anchor: string, samples: ScriptSample[], texts: string[], group: string): Promise<string[][]> {
  const found: string[][] = samples.map(() => []);
  const fn = remoteFunction(findInNatives);
  const locations = samples.map(s => [s.line0, s.column0]);
  for (let start = 0; ; start += NATIVES_PER_CALL) {
    const r = await callOn<{ matches: [number, string][]; total: number; unavailable: boolean }>(
      client,
      anchor,
      fn,
      [{ value: texts }, { value: locations }, { value: start }, { value: NATIVES_PER_CALL }],
      { byValue: true, group },
    );
    for (const [k, id] of r.matches) found[k].push(id);
    if (r.unavailable || start + NATIVES_PER_CALL >= r.total) break;
  }
  return found;
}

/**
 * Identifies the script of every sample (`fnArray` holds their functions, in order), or returns undefined
 * as soon as one cannot be identified for sure: the caller then asks the Debugger.
 */
export async function identifyScripts(client: Client, fnArray: string, samples: ScriptSample[], mainScript: string | undefined, group: string): Promise<ScriptInfo[] | undefined> {
  if (samples.length === 0) return [];
  const texts = await sampleTexts(client, fnArray, group);
  if (texts.length !== samples.length || texts.some(t => !t || BOUND_TEXT.test(t))) return undefined;
  // Every candidate that defines a sample is collected: exactly one match identifies it, two or more are a doubt.
  const found: string[][] = samples.map(() => []);
  const unmatched = () => samples.map((_, k) => k).filter(k => found[k].length === 0);
  const cjs = await loadedCommonJsFiles(client);
  await matchFiles(cjs, samples, texts, found, f => f);
  let rest = unmatched();
  if (rest.length) {
    const natives = await matchNatives(client, fnArray, rest.map(k => samples[k]), rest.map(k => texts[k]), group);
    rest.forEach((k, j) => natives[j].forEach(id => found[k].push(`node:${id}`)));
    rest = unmatched();
  }
  if (rest.length) {
    const loaded = new Set(cjs);
    const esm = await projectModules(mainScript);
    if (!esm) return undefined;
    await matchFiles(esm.filter(f => !loaded.has(f)), rest.map(k => samples[k]), rest.map(k => texts[k]), rest.map(k => found[k]), f => pathToFileURL(f).href);
  }
  if (found.some(f => f.length !== 1)) return undefined;
  return samples.map((s, k) => ({ scriptId: s.scriptId, url: found[k][0] }));
}

/**
 * Picks one function per unknown script among the timers' callbacks (the walker's `fns`) and the handles'
 * listeners, and identifies those scripts without the Debugger (see {@link identifyScripts}).
 */
export async function identifyUnknownScripts(
  client: Client,
  walker: string,
  listeners: string,
  locations: { callbacks: (FunctionLocation | null)[]; listeners: (FunctionLocation | null)[] },
  isKnown: (scriptId: string) => boolean,
  mainScript: string | undefined,
  group: string,
): Promise<ScriptInfo[] | undefined> {
  const seen = new Set<string>();
  const pick = (locs: (FunctionLocation | null)[]) =>
    locs.flatMap((l, i) => (l && !isKnown(l.scriptId) && !seen.has(l.scriptId) && seen.add(l.scriptId) ? [{ i, l }] : []));
  const fromTimers = pick(locations.callbacks);
  const fromListeners = pick(locations.listeners);
  const arr = await callOn(
    client,
    walker,
    'function (ix, ls, lix) { return ix.map(i => this.fns[i]).concat(lix.map(i => ls[i])); }',
    [{ value: fromTimers.map(x => x.i) }, { objectId: listeners }, { value: fromListeners.map(x => x.i) }],
    { byValue: false, group },
  );
  const samples = [...fromTimers, ...fromListeners].map(({ l }) => ({ scriptId: l.scriptId, line0: l.line0, column0: l.column0 }));
  return identifyScripts(client, arr.objectId!, samples, mainScript, group);
}
