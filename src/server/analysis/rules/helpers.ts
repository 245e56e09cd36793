import * as ts from 'typescript';
import type { FileFacts } from '../collect';
import { functionName } from '../collect';
import { keysMatch } from '../keys';
import type { ClearSite, TimerSite } from '../types';

/** Clears (clearX, close(), dispose) of the slot a site's handle is stored in, reachable ones only. */
export function clearsOf(facts: FileFacts, site: TimerSite): ClearSite[] {
  const key = site.key;
  if (!key) return [];
  return facts.clears.filter(c => keysMatch(key, c.key) && isReachable(facts, c));
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
    if (named && occurrences(facts.sf.text, named) <= 1) return false;
  }
  return true;
}

function enclosing(n: ts.Node): ts.Node | undefined {
  for (let p: ts.Node | undefined = n; p; p = p.parent) if (ts.isFunctionLike(p)) return p;
  return undefined;
}

function occurrences(text: string, name: string): number {
  const re = new RegExp(`(?<![\\w$])${name.replace(/[$#]/g, '\\$&')}(?![\\w$])`, 'g');
  let n = 0;
  while (re.exec(text) && n < 2) n++;
  return n;
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
