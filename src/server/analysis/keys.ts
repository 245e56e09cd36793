// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { Scopes } from './scopes';

/**
 * Storage-slot keys for timer handles, so a `clearInterval(x)` can be matched to the `x = setInterval()`
 * it undoes. Shapes:
 *   `v#<id>:<name>`       a resolved variable or parameter
 *   `g.<name>`            an identifier whose declaration was not found (matched by name)
 *   `p#<id>.<name>`       `this.<name>` inside class <id>
 *   `o.<name>`            any other `<expr>.<name>` (matched by property name: lenient on purpose)
 *   `c:<key>`             an element of the collection stored at <key> (Map/Set/array/object)
 */
export class Keys {
  /** Weak, with its own counter: ids of unchanged nodes stay stable across incremental re-parses. */
  private readonly ids = new WeakMap<ts.Node, number>();
  private next = 1;

  /** The name resolution of the file version being walked (set again for each version). */
  constructor(public scopes: Scopes) {}

  /** A stable small number for a node, used inside keys. */
  idOf(node: ts.Node): number {
    let id = this.ids.get(node);
    if (id === undefined) this.ids.set(node, (id = this.next++));
    return id;
  }

  /** Key of an expression used as a handle slot, or undefined when it is not a slot. */
  keyOf(expr: ts.Expression, depth = 0): string | undefined {
    const e = skipOuter(expr);
    if (depth > 4) return undefined;
    if (ts.isIdentifier(e)) return this.identifierKey(e, depth);
    if (ts.isPropertyAccessExpression(e)) {
      const name = e.name.text;
      if (e.expression.kind === ts.SyntaxKind.ThisKeyword) {
        const cls = thisClass(e);
        return cls ? `p#${this.idOf(cls)}.${name}` : `o.${name}`;
      }
      return `o.${name}`;
    }
    if (ts.isElementAccessExpression(e)) {
      const inner = this.keyOf(e.expression, depth + 1);
      return inner && `c:${inner}`;
    }
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'get') {
      const inner = this.keyOf(e.expression.expression, depth + 1);
      return inner && `c:${inner}`;
    }
    return undefined;
  }

  private identifierKey(id: ts.Identifier, depth: number): string {
    const decl = this.scopes.resolve(id);
    if (!decl) return `g.${id.text}`;
    if (ts.isVariableDeclaration(decl) && decl.initializer && isConst(decl)) {
      // `const t = this.timer; clearInterval(t)` clears this.timer.
      const init = skipOuter(decl.initializer);
      if (ts.isPropertyAccessExpression(init) || ts.isElementAccessExpression(init) || ts.isIdentifier(init)) {
        const k = this.keyOf(init, depth + 1);
        if (k) return k;
      }
    }
    // `for (const t of this.timers) clearInterval(t)` clears the collection's elements.
    const forOf = ts.isVariableDeclaration(decl) ? decl.parent?.parent : undefined;
    if (forOf && ts.isForOfStatement(forOf)) {
      const k = this.keyOf(collectionSource(forOf.expression), depth + 1);
      if (k) return `c:${k}`;
    }
    // `this.timers.forEach(t => clearInterval(t))`.
    if (ts.isParameter(decl) && ts.isFunctionLike(decl.parent) && decl.parent.parameters[0] === decl) {
      const call = decl.parent.parent;
      if (call && ts.isCallExpression(call) && ts.isPropertyAccessExpression(call.expression)
        && call.expression.name.text === 'forEach') {
        const k = this.keyOf(collectionSource(call.expression.expression), depth + 1);
        if (k) return `c:${k}`;
      }
    }
    return `v#${this.idOf(decl)}:${id.text}`;
  }
}

/** Whether a handle stored at `stored` is undone by a clear of `cleared`. */
export function keysMatch(stored: string, cleared: string): boolean {
  if (stored === cleared) return true;
  if (stored.startsWith('c:') !== cleared.startsWith('c:')) return false;
  if (stored.startsWith('c:')) return keysMatch(stored.slice(2), cleared.slice(2));
  const a = slotName(stored);
  const b = slotName(cleared);
  if (a.name !== b.name) return false;
  // Unresolved identifiers and foreign property accesses match by name only.
  if (a.loose || b.loose) return a.prop === b.prop || (!a.prop && !b.prop);
  return false;
}

/**
 * The slot name a key ends in (`p#3.timer`, `c:o.timers`, `v#7:t` → timer, timers, t). Two keys can only
 * match when their names are equal, so the rules index handles and clears by it instead of comparing
 * every site with every clear.
 */
export function keyName(key: string): string {
  while (key.startsWith('c:')) key = key.slice(2);
  return slotName(key).name;
}

/** Unresolved identifiers (`g.`) and foreign properties (`o.`) match other keys by name alone. */
export function isLooseKey(key: string): boolean {
  while (key.startsWith('c:')) key = key.slice(2);
  return key.startsWith('g.') || key.startsWith('o.');
}

function slotName(key: string): { name: string; prop: boolean; loose: boolean } {
  if (key.startsWith('g.')) return { name: key.slice(2), prop: false, loose: true };
  if (key.startsWith('o.')) return { name: key.slice(2), prop: true, loose: true };
  if (key.startsWith('p#')) return { name: key.slice(key.indexOf('.') + 1), prop: true, loose: false };
  return { name: key.slice(key.indexOf(':') + 1), prop: false, loose: false };
}

/** Strip parentheses, type assertions and non-null assertions. */
export function skipOuter(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)
      || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
    else return e;
  }
}

/** `x.values()`, `Object.values(x)`, `[...x]` → `x`. */
export function collectionSource(e: ts.Expression): ts.Expression {
  e = skipOuter(e);
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    const n = e.expression.name.text;
    if ((n === 'values' || n === 'keys' || n === 'entries') && e.arguments.length === 0) return e.expression.expression;
    if (n === 'values' && e.arguments.length === 1) return e.arguments[0];
  }
  if (ts.isArrayLiteralExpression(e) && e.elements.length === 1 && ts.isSpreadElement(e.elements[0])) {
    return e.elements[0].expression;
  }
  return e;
}

/** The class that `this` refers to at `node` (arrow functions are transparent), if any. */
export function thisClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isArrowFunction(n)) continue;
    if (ts.isClassLike(n)) return n;
    if (ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n)
      || ts.isPropertyDeclaration(n) || ts.isClassStaticBlockDeclaration(n)) {
      return ts.isClassLike(n.parent) ? n.parent : undefined;
    }
    if (ts.isFunctionLike(n) || ts.isSourceFile(n)) return undefined;
  }
  return undefined;
}

function isConst(d: ts.VariableDeclaration): boolean {
  return ts.isVariableDeclarationList(d.parent) && (d.parent.flags & ts.NodeFlags.Const) !== 0;
}
