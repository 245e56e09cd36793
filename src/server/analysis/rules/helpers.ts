// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { FileFacts } from '../facts';
import { functionName } from '../syntax';
import { isLooseKey, keyName, keysMatch } from '../keys';
import type { Assignment, ClearSite, TimerSite } from '../types';

/** Per-file indexes by slot name (see keyName), built on first use: matching stays linear in large files. */
type Indexes = {
  clears: SlotIndex<ClearSite>;
  sites: SlotIndex<TimerSite>;
  assignments: Map<string, Assignment[]>;
};
const indexes = new WeakMap<FileFacts, Indexes>();

function group<T>(items: readonly T[], name: (t: T) => string | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const n = name(it);
    if (n === undefined) continue;
    const l = m.get(n);
    if (l) l.push(it);
    else m.set(n, [it]);
  }
  return m;
}

/**
 * Items by storage key: exact keys only ever match themselves; loose keys (unresolved names, foreign
 * properties) match any key with the same slot name, so they are also kept by name.
 */
type SlotIndex<T> = { exact: Map<string, T[]>; loose: Map<string, T[]>; all: Map<string, T[]>; keyOf: (t: T) => string };

function slotIndex<T>(items: readonly T[], keyOf: (t: T) => string | undefined): SlotIndex<T> {
  const keyed = items.filter(t => keyOf(t) !== undefined);
  return {
    exact: group(keyed, t => keyOf(t)),
    loose: group(keyed.filter(t => isLooseKey(keyOf(t)!)), t => keyName(keyOf(t)!)),
    all: group(keyed, t => keyName(keyOf(t)!)),
    keyOf: t => keyOf(t)!,
  };
}

function lookup<T>(ix: SlotIndex<T>, key: string): T[] {
  const name = keyName(key);
  const cands = isLooseKey(key) ? ix.all.get(name) ?? []
    : [...(ix.exact.get(key) ?? []), ...(ix.loose.get(name) ?? []).filter(t => ix.keyOf(t) !== key)];
  return cands.filter(t => keysMatch(key, ix.keyOf(t)));
}

function indexOf(facts: FileFacts): Indexes {
  let ix = indexes.get(facts);
  if (!ix) {
    ix = {
      clears: slotIndex(facts.clears, c => c.key),
      sites: slotIndex(facts.sites, s => s.key),
      assignments: group(facts.assignments, a => (ts.isIdentifier(a.target) ? a.target.text : a.target.name.text)),
    };
    indexes.set(facts, ix);
  }
  return ix;
}

/** Every clear of the slot `key` names, reachable or not. */
export function clearsMatching(facts: FileFacts, key: string): ClearSite[] {
  return lookup(indexOf(facts).clears, key);
}

/** Timer sites whose handle slot a clear of `key` undoes. */
export function sitesMatching(facts: FileFacts, key: string): TimerSite[] {
  return lookup(indexOf(facts).sites, key);
}

/** Assignments to an identifier or property called `name`. */
export function assignmentsNamed(facts: FileFacts, name: string): Assignment[] {
  return indexOf(facts).assignments.get(name) ?? [];
}

/**
 * How often `name` occurs as an identifier (or identifier-like string) in the file, counting stops at
 * `cap`; `afterDot` false leaves out `.name` member names. From the counts the walk keeps (facts.ts), so an
 * edit does not rescan the file.
 */
export function wordCount(facts: FileFacts, name: string, cap: number, afterDot = true): number {
  const n = (facts.words.get(name) ?? 0) - (afterDot ? 0 : facts.members.get(name) ?? 0);
  return Math.min(n, cap);
}

/** Clears (clearX, close(), dispose) of the slot a site's handle is stored in, reachable ones only. */
export function clearsOf(facts: FileFacts, site: TimerSite): ClearSite[] {
  const key = site.key;
  if (!key) return [];
  return clearsMatching(facts, key).filter(c => isReachable(facts, c));
}

/**
 * False when the clear sits in a function nothing can call: a non-exported function declaration or a
 * private method whose name occurs nowhere else in the file.
 */
export function isReachable(facts: FileFacts, clear: ClearSite): boolean {
  for (let fn = clear.fn; fn; fn = fn.parent && enclosing(fn.parent)) {
    const named = ts.isFunctionDeclaration(fn) && fn.name && !hasExport(fn)
      ? fn.name.text
      : ts.isMethodDeclaration(fn) && (ts.isPrivateIdentifier(fn.name) || hasModifier(fn, ts.SyntaxKind.PrivateKeyword))
        ? (fn.name as ts.Identifier | ts.PrivateIdentifier).text
        : undefined;
    if (named && wordCount(facts, named, 2) <= 1) return false;
  }
  return true;
}

function enclosing(n: ts.Node): ts.Node | undefined {
  for (let p: ts.Node | undefined = n; p; p = p.parent) if (ts.isFunctionLike(p)) return p;
  return undefined;
}

function hasExport(fn: ts.FunctionDeclaration): boolean {
  return hasModifier(fn, ts.SyntaxKind.ExportKeyword);
}

function hasModifier(n: ts.HasModifiers, kind: ts.SyntaxKind): boolean {
  return ts.getModifiers(n)?.some(m => m.kind === kind) ?? false;
}

/**
 * An interval that lives as long as the program by design: started outside any class or request handler
 * in a file that ends its own process with `process.exit()`. That file is an entry point which decides
 * when it stops, so its process-wide timers are not leaks; a library (no process.exit) that starts the
 * same interval holds its consumers' processes open, which is why the rules still report it there.
 */
export function programLifetime(facts: FileFacts, site: TimerSite): boolean {
  return facts.exitsProcess && site.api === 'timers' && site.kind === 'interval' && !site.cls && !site.handler;
}

/** Where a clear happens, for lens text: `close()`, `finally`, `on 'close'`, `abort`. */
export function clearLabel(clear: ClearSite): string {
  for (let n: ts.Node = clear.node; n.parent; n = n.parent) {
    const p = n.parent;
    if (ts.isTryStatement(p) && p.finallyBlock === n) return 'finally';
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && ts.isCallExpression(p)) {
      const ev = p.arguments[0];
      const callee = p.expression;
      if (ev && ts.isStringLiteralLike(ev) && ts.isPropertyAccessExpression(callee)
        && /^(on|once|addEventListener|addListener)$/.test(callee.name.text)) return `'${ev.text}' handler`;
    }
    if (ts.isFunctionLike(n)) {
      const name = functionName(n);
      if (name && name !== 'constructor') return `${name}()`;
      if (ts.isMethodDeclaration(n) && ts.isComputedPropertyName(n.name)) return `${n.name.expression.getText()}()`;
    }
  }
  return 'callback';
}

/** Name of the class, for messages. */
export function className(cls: ts.ClassLikeDeclaration | undefined): string {
  return cls?.name?.text ?? 'this class';
}

/** Source text of the slot a site stored its handle in (`this.timer`, `t`), for messages. */
export function slotText(site: TimerSite): string {
  let n: ts.Node = site.call;
  while (n.parent && !ts.isExpressionStatement(n.parent) && !ts.isVariableDeclaration(n.parent)
    && !ts.isBinaryExpression(n.parent) && !ts.isCallExpression(n.parent) && !ts.isPropertyAssignment(n.parent)) n = n.parent;
  const p = n.parent;
  if (p && ts.isVariableDeclaration(p)) return p.name.getText();
  if (p && ts.isBinaryExpression(p)) return p.left.getText();
  if (p && ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression)) return `${p.expression.expression.getText()}[…]`;
  if (p && ts.isPropertyAssignment(p)) return p.name.getText();
  return 'the handle';
}

/** The clear function that matches a kind, for messages and fixes. */
export function clearFnFor(site: TimerSite): string {
  return site.kind === 'interval' ? 'clearInterval' : site.kind === 'immediate' ? 'clearImmediate' : 'clearTimeout';
}

/** Human label of the delay: `1000 ms` or the expression text. */
export function delayLabel(site: TimerSite): string {
  if (site.delayMs !== undefined) return `${site.delayMs} ms`;
  return site.delayText ? `(${site.delayText})` : '';
}
