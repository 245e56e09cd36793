// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import { enclosingHandler } from './handlers';
import { Keys, collectionSource, skipOuter, thisClass } from './keys';
import type { Scopes } from './scopes';
import { constValue, enclosingFunction, functionName } from './syntax';
import { TimerBindings, isClearName, kindOf } from './timerApis';
import type { Assignment, ClearSite, HandleUse, TimerSite } from './types';

/** Iterator usage of a `timers/promises` handle slot. */
export type IterUse = { next: boolean; ret: boolean; forAwait: boolean };

/** What a walk learns, for one statement or (merged) for a whole file. */
export type TimerFacts = {
  sites: TimerSite[];
  clears: ClearSite[];
  assignments: Assignment[];
  iter: Map<string, IterUse>;
  unrefKeys: Set<string>;
  /** The code calls `process.exit()`: the file is a program that decides when it ends, not a library. */
  exitsProcess: boolean;
  /** Occurrences of each identifier (and identifier-like string literal), and of those that are `.name` member names. */
  words: Map<string, number>;
  members: Map<string, number>;
};

/** What one top-level statement contributes to a file's facts (see facts.ts, which merges and caches them). */
export type StatementFacts = TimerFacts & {
  /** A `require('timers')` inside a function: it changes how later statements resolve names. */
  nestedBindings: boolean;
  /**
   * Functions declared in the statement by name, first in source order (see flowRules.ts), built on first
   * use: the statement's facts are reused while it is unchanged, so an edit indexes only the statement it re-walks.
   */
  functionsByName?: Map<string, ts.FunctionLikeDeclaration>;
};

/** The per-file state a statement walk reads: name resolution, slot keys, the timer module bindings. */
export type CollectEnv = { keys: Keys; scopes: Scopes; bindings: TimerBindings };

/** Walk one top-level statement and collect timer calls, clears, handle assignments and iterator uses. */
export function collectStatement(stmt: ts.Statement, env: CollectEnv): StatementFacts {
  const { keys, scopes, bindings } = env;
  const facts: StatementFacts = {
    sites: [], clears: [], assignments: [], iter: new Map(), unrefKeys: new Set(), exitsProcess: false, nestedBindings: false,
    words: new Map(), members: new Map(),
  };
  const count = (m: Map<string, number>, w: string) => m.set(w, (m.get(w) ?? 0) + 1);
  const iterOf = (k: string): IterUse => {
    let u = facts.iter.get(k);
    if (!u) facts.iter.set(k, (u = { next: false, ret: false, forAwait: false }));
    return u;
  };

  const visit = (node: ts.Node): void => {
    switch (node.kind) {
      case ts.SyntaxKind.Identifier:
      case ts.SyntaxKind.PrivateIdentifier: {
        const w = (node as ts.Identifier).text;
        count(facts.words, w);
        if (ts.isPropertyAccessExpression(node.parent) && node.parent.name === node) count(facts.members, w);
        return;
      }
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral: {
        const w = (node as ts.StringLiteral).text;
        if (/^[\w$#]+$/.test(w)) { count(facts.words, w); count(facts.members, w); }
        return;
      }
      case ts.SyntaxKind.CallExpression:
        onCall(node as ts.CallExpression);
        break;
      case ts.SyntaxKind.BinaryExpression: {
        const b = node as ts.BinaryExpression;
        const op = b.operatorToken.kind;
        if (op === ts.SyntaxKind.EqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken
          || op === ts.SyntaxKind.BarBarEqualsToken) {
          const left = skipOuter(b.left);
          if (ts.isIdentifier(left) || ts.isPropertyAccessExpression(left)) {
            facts.assignments.push({ node: b, target: left, value: b.right });
          }
        }
        break;
      }
      case ts.SyntaxKind.VariableDeclaration: {
        const d = node as ts.VariableDeclaration;
        if (d.parent.parent && !ts.isSourceFile(d.parent.parent.parent) && bindings.note(d)) facts.nestedBindings = true;
        if (d.initializer && ts.isIdentifier(d.name)) {
          facts.assignments.push({ node: d, target: d.name, value: d.initializer });
        }
        break;
      }
      case ts.SyntaxKind.ForOfStatement: {
        const f = node as ts.ForOfStatement;
        if (f.awaitModifier) {
          const k = keys.keyOf(f.expression);
          if (k) iterOf(k).forAwait = true;
        }
        break;
      }
    }
    ts.forEachChild(node, visit);
  };

  const onCall = (call: ts.CallExpression): void => {
    const fn = bindings.resolve(call.expression);
    if (fn) {
      const kind = kindOf(fn.name);
      if (kind) facts.sites.push(makeSite(call, fn.api, kind, keys, scopes));
      else if (isClearName(fn.name) && call.arguments[0]) {
        for (const arg of spreadArrayLoop(call.arguments[0], scopes)) {
          const key = keys.keyOf(arg);
          if (key) facts.clears.push({ node: call, key, how: fn.name, fn: enclosingFunction(call), cls: thisClass(call) });
        }
      }
      return;
    }
    const callee = call.expression;
    if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return;
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text
      : /Symbol\.(async)?[dD]ispose/.test(callee.argumentExpression.getText()) ? 'dispose' : '';
    if (!method) return;
    const target = callee.expression;
    if (method === 'forEach' && call.arguments[0]) {
      const a = call.arguments[0];
      const clear = bindings.resolve(a);
      const k = clear && isClearName(clear.name) ? keys.keyOf(collectionSource(target)) : undefined;
      if (k) facts.clears.push({ node: call, key: `c:${k}`, how: clear!.name, fn: enclosingFunction(call), cls: thisClass(call) });
      return;
    }
    if (method === 'exit' && ts.isIdentifier(target) && target.text === 'process') facts.exitsProcess = true;
    if (!['close', 'dispose', 'unref', 'next', 'return'].includes(method)) return;
    const key = keys.keyOf(target);
    if (!key) return;
    if (method === 'close' || method === 'dispose') facts.clears.push({ node: call, key, how: method, fn: enclosingFunction(call), cls: thisClass(call) });
    else if (method === 'unref') facts.unrefKeys.add(key);
    else if (method === 'next') iterOf(key).next = true;
    else iterOf(key).ret = true;
  };

  visit(stmt);
  return facts;
}

/** Offset of a timer call's callee name (`setInterval` in `timers.setInterval(...)`): where V8 reports the call. */
export function calleeNamePos(call: ts.CallExpression): number {
  const callee = call.expression;
  return (ts.isPropertyAccessExpression(callee) ? callee.name : callee).getStart();
}

/** `for (const t of [a, b]) clearInterval(t)` clears a and b: expand the loop variable to the elements. */
function spreadArrayLoop(arg: ts.Expression, scopes: Scopes): ts.Expression[] {
  const e = skipOuter(arg);
  const decl = ts.isIdentifier(e) ? scopes.resolve(e) : undefined;
  const loop = decl && ts.isVariableDeclaration(decl) ? decl.parent?.parent : undefined;
  if (loop && ts.isForOfStatement(loop) && ts.isArrayLiteralExpression(skipOuter(loop.expression))) {
    return (skipOuter(loop.expression) as ts.ArrayLiteralExpression).elements.filter(x => !ts.isSpreadElement(x));
  }
  return [arg];
}

function makeSite(call: ts.CallExpression, api: TimerSite['api'], kind: TimerSite['kind'], keys: Keys, scopes: Scopes): TimerSite {
  const promises = api === 'timers/promises';
  const delayArg = promises ? call.arguments[0] : kind === 'immediate' ? undefined : call.arguments[1];
  const callback = promises ? undefined : call.arguments[0];
  const site: TimerSite = {
    call, api, kind, namePos: calleeNamePos(call), callback, callbackName: callback && callbackName(callback),
    handle: 'discarded', unrefd: false, chainedUnref: false, signal: false, rearms: false,
    fn: enclosingFunction(call), cls: thisClass(call), handler: enclosingHandler(call),
  };
  if (delayArg) {
    const ms = constValue(delayArg, scopes, 0);
    if (ms !== undefined) site.delayMs = ms;
    else site.delayText = delayArg.getText().slice(0, 40);
  } else if (kind !== 'immediate') site.delayMs = promises ? 1 : 0;
  if (promises) {
    const opts = call.arguments[2];
    site.signal = !!opts && ts.isObjectLiteralExpression(opts)
      && opts.properties.some(p => p.name && ts.isIdentifier(p.name) && p.name.text === 'signal');
  }
  disposition(site, keys);
  if (kind === 'timeout' && !promises) site.rearms = rearmsItself(site);
  return site;
}

/** What the code does with the returned handle (see HandleUse). */
function disposition(site: TimerSite, keys: Keys): void {
  let node: ts.Node = site.call;
  for (;;) {
    const p = node.parent;
    if (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p) || ts.isSatisfiesExpression(p)) {
      node = p;
    } else if (ts.isPropertyAccessExpression(p) && p.expression === node && /^(unref|ref)$/.test(p.name.text)
      && ts.isCallExpression(p.parent) && p.parent.expression === p) {
      site.chainedUnref = p.name.text === 'unref';
      node = p.parent; // unref()/ref() return the Timeout itself
    } else break;
  }
  const p = node.parent;
  let use: HandleUse = 'escapes';
  let key: string | undefined;
  if (ts.isExpressionStatement(p) || ts.isVoidExpression(p)) use = 'discarded';
  else if (ts.isVariableDeclaration(p) && p.initializer === node) {
    if (ts.isIdentifier(p.name)) {
      key = keys.keyOf(p.name);
      const using = (p.parent.flags & ts.NodeFlags.Using) !== 0; // covers `await using` too
      use = using ? 'using' : 'stored';
    }
  } else if (ts.isBinaryExpression(p) && p.right === node && isAssignOp(p.operatorToken.kind)) {
    key = keys.keyOf(p.left);
    use = key ? 'stored' : 'escapes';
  } else if (ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === node)) use = 'returned';
  else if (ts.isForOfStatement(p) && p.expression === node && p.awaitModifier) use = 'for-await';
  else if (ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression)
    && /^(push|add|set|unshift)$/.test(p.expression.name.text) && p.arguments.includes(node as ts.Expression)) {
    const k = keys.keyOf(p.expression.expression);
    if (k) { key = `c:${k}`; use = 'collection'; }
  } else if (ts.isPropertyDeclaration(p) && p.initializer === node && ts.isClassLike(p.parent)) {
    key = `p#${keys.idOf(p.parent)}.${p.name.getText()}`;
    use = 'stored';
  } else if (ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) {
    key = `o.${p.name.text}`;
    use = 'stored';
  }
  site.handle = use;
  site.key = key;
}

function isAssignOp(k: ts.SyntaxKind): boolean {
  return k === ts.SyntaxKind.EqualsToken || k === ts.SyntaxKind.QuestionQuestionEqualsToken || k === ts.SyntaxKind.BarBarEqualsToken;
}

/** A setTimeout whose callback unconditionally calls the function that created it again. */
function rearmsItself(site: TimerSite): boolean {
  const fn = site.fn;
  const cb = site.callback;
  if (!fn || !cb) return false;
  const name = functionName(fn);
  if (!name) return false;
  // A `return` or a condition between the function start and the call means the chain can stop.
  for (let n: ts.Node = site.call.parent; n !== fn; n = n.parent) {
    if (ts.isIfStatement(n) || ts.isConditionalExpression(n) || ts.isTryStatement(n) || ts.isCatchClause(n)
      || ts.isIterationStatement(n, false) || ts.isSwitchStatement(n)
      || (ts.isBinaryExpression(n) && /^(&&|\|\||\?\?)$/.test(n.operatorToken.getText()))) return false;
  }
  if (containsEarlyReturn((fn as ts.FunctionLikeDeclaration).body, site.call.pos)) return false;
  const refersToFn = (n: ts.Node): boolean => {
    if (ts.isIdentifier(n) && n.text === name) return true;
    if (ts.isPropertyAccessExpression(n) && n.expression.kind === ts.SyntaxKind.ThisKeyword && n.name.text === name) return true;
    return ts.forEachChild(n, refersToFn) === true;
  };
  return refersToFn(skipOuter(cb));
}

function containsEarlyReturn(body: ts.Node | undefined, before: number): boolean {
  let found = false;
  const walk = (n: ts.Node): void => {
    if (found || n.pos >= before || (ts.isFunctionLike(n) && n !== body)) return;
    if (ts.isReturnStatement(n)) found = true;
    else ts.forEachChild(n, walk);
  };
  if (body) ts.forEachChild(body, walk);
  return found;
}

function callbackName(cb: ts.Expression): string | undefined {
  const e = skipOuter(cb);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isFunctionExpression(e) && e.name) return e.name.text;
  if (ts.isArrowFunction(e) && ts.isCallExpression(e.body)) return callbackName(e.body.expression);
  return undefined;
}
