// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { FileFacts } from '../facts';
import { functionName } from '../syntax';
import { keysMatch, skipOuter } from '../keys';
import type { StaticFinding, TimerSite } from '../types';
import { at } from './handleRules';
import { delayLabel } from './helpers';

/** async-overlap: setInterval with an async callback that awaits, and no in-flight guard. */
export function asyncOverlap(facts: FileFacts): StaticFinding[] {
  const out: StaticFinding[] = [];
  for (const s of facts.sites) {
    if (s.api !== 'timers' || s.kind !== 'interval' || !s.callback) continue;
    const fn = callbackFunction(facts, s);
    if (!fn || !fn.body || !mayOverlap(fn)) continue;
    const name = s.callbackName ? `${s.callbackName}()` : 'callback';
    out.push({
      rule: 'async-overlap', ...at(s), site: s,
      message: `setInterval runs the async ${name} every ${delayLabel(s) || 'tick'} with no guard against overlapping runs: `
        + 'when one run takes longer than the period, the next starts anyway and they pile up. '
        + 'Skip while a run is in flight (if (running) return; running = true; … finally { running = false }) or use a setTimeout loop.',
    });
  }
  return out;
}

/**
 * Verdicts per callback function. A node is kept by the re-parse only while its text is unchanged, so a
 * verdict stays right for as long as its node lives; an edit judges only the callbacks it re-parsed.
 */
const overlapVerdicts = new WeakMap<ts.FunctionLikeDeclaration, boolean>();

/** An async callback that awaits with no in-flight guard. */
function mayOverlap(fn: ts.FunctionLikeDeclaration): boolean {
  let v = overlapVerdicts.get(fn);
  if (v === undefined) {
    v = !!ts.getModifiers(fn)?.some(m => m.kind === ts.SyntaxKind.AsyncKeyword) && awaits(fn.body!) && !hasOverlapGuard(fn.body!);
    overlapVerdicts.set(fn, v);
  }
  return v;
}

/** The function a callback expression denotes: inline, a function in this file, or `this.method`. */
function callbackFunction(facts: FileFacts, s: TimerSite): ts.FunctionLikeDeclaration | undefined {
  const e = skipOuter(s.callback!);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
  let name: string | undefined;
  if (ts.isIdentifier(e)) name = e.text;
  else if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) name = e.name.text;
  if (!name) return undefined;
  if (ts.isPropertyAccessExpression(e) && s.cls) return firstFunctionNamed(s.cls, name);
  // The whole file: from each top-level statement's index (walked once, reused while the statement is).
  for (let i = 0; i < facts.parts.length; i++) {
    const part = facts.parts[i];
    part.functionsByName ??= functionsByName(facts.sf.statements[i]);
    const fn = part.functionsByName.get(name);
    if (fn) return fn;
  }
  return undefined;
}

/** The function a declaration of `name` denotes, if `n` is one: a function/method, or a variable/field holding one. */
function declaredFunction(n: ts.Node): { name: string; fn: ts.FunctionLikeDeclaration } | undefined {
  if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.name && ts.isIdentifier(n.name)) return { name: n.name.text, fn: n };
  if ((ts.isVariableDeclaration(n) || ts.isPropertyDeclaration(n)) && ts.isIdentifier(n.name) && n.initializer) {
    const init = skipOuter(n.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return { name: n.name.text, fn: init };
  }
  return undefined;
}

/** The first function declared as `name` in `root`, in source order (pre-order). */
function firstFunctionNamed(root: ts.Node, name: string): ts.FunctionLikeDeclaration | undefined {
  let found: ts.FunctionLikeDeclaration | undefined;
  const look = (n: ts.Node): void => {
    if (found) return;
    const d = declaredFunction(n);
    if (d && d.name === name) found = d.fn;
    else ts.forEachChild(n, look);
  };
  look(root);
  return found;
}

/** Every function declared in `root` by name, the first in source order (pre-order) for each name. */
function functionsByName(root: ts.Node): Map<string, ts.FunctionLikeDeclaration> {
  const out = new Map<string, ts.FunctionLikeDeclaration>();
  const walk = (n: ts.Node): void => {
    const d = declaredFunction(n);
    if (d && !out.has(d.name)) out.set(d.name, d.fn);
    ts.forEachChild(n, walk);
  };
  walk(root);
  return out;
}

function awaits(body: ts.Node): boolean {
  const walk = (n: ts.Node): boolean => {
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && !!n.awaitModifier)) return true;
    if (ts.isFunctionLike(n)) return false;
    return ts.forEachChild(n, walk) === true;
  };
  return ts.forEachChild(body, walk) === true;
}

/**
 * An in-flight guard: an early `if (X) return` whose X the callback also assigns (`running = true`,
 * `this.busy = true`, `inFlight++`), a lock/mutex call, or a callback that clears its own interval.
 */
function hasOverlapGuard(body: ts.Node): boolean {
  const guards = new Set<string>();
  const assigned = new Set<string>();
  let locked = false;
  const nameOf = (e: ts.Expression): string | undefined => {
    const x = skipOuter(e);
    return ts.isIdentifier(x) ? x.text : ts.isPropertyAccessExpression(x) ? x.name.text : undefined;
  };
  const walk = (n: ts.Node): void => {
    if (ts.isIfStatement(n) && returns(n.thenStatement)) {
      const names = (c: ts.Node): void => {
        if (ts.isIdentifier(c)) guards.add(c.text);
        else if (ts.isPropertyAccessExpression(c)) guards.add(c.name.text);
        ts.forEachChild(c, names);
      };
      names(n.expression);
    }
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment
      && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const nm = nameOf(n.left);
      if (nm) assigned.add(nm);
    }
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n))
      && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
      const nm = nameOf(n.operand);
      if (nm) assigned.add(nm);
    }
    if (ts.isCallExpression(n) && /lock|mutex|exclusive|acquire|semaphore|clearInterval/i.test(n.expression.getText())) locked = true;
    ts.forEachChild(n, walk);
  };
  walk(body);
  return locked || [...guards].some(g => assigned.has(g));
}

function returns(s: ts.Statement): boolean {
  if (ts.isReturnStatement(s)) return true;
  return ts.isBlock(s) && s.statements.some(x => ts.isReturnStatement(x));
}

/** timers-promises-leak: an async-iterator setInterval advanced with next() and never closed. */
export function timersPromisesLeak(facts: FileFacts): StaticFinding[] {
  const out: StaticFinding[] = [];
  for (const s of facts.sites) {
    if (s.api !== 'timers/promises' || s.kind !== 'interval' || s.signal || s.handle !== 'stored' || !s.key) continue;
    let next = false;
    let closed = false;
    for (const [k, u] of facts.iter) {
      if (!keysMatch(s.key, k)) continue;
      next ||= u.next;
      closed ||= u.ret || u.forAwait;
    }
    if (!next || closed) continue;
    const name = ts.isVariableDeclaration(s.call.parent) ? s.call.parent.name.getText() : 'the iterator';
    const unref = /ref\s*:\s*false/.test(s.call.arguments[2]?.getText() ?? '');
    out.push({
      rule: 'timers-promises-leak', ...at(s), site: s,
      message: `This timers/promises setInterval iterator is advanced with ${name}.next() but never closed: once the code stops `
        + `reading, its interval (${delayLabel(s)}) stays armed forever${unref ? " (ref: false keeps it from holding the process open, but it keeps ticking)" : ''}. `
        + `Call ${name}.return() (e.g. in finally), iterate with for await, or pass { signal }.`,
    });
  }
  return out;
}

/** Name of the function a site lives in, for messages. */
export function fnLabel(fn: ts.Node | undefined): string {
  return (fn && functionName(fn)) ?? 'this function';
}
