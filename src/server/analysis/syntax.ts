/** Small syntax helpers the walk and the rules share (no name resolution beyond `const` folding). */
import ts from 'typescript';
import { skipOuter } from './keys';
import type { Scopes } from './scopes';

/** Innermost function-like node around `node`. */
export function enclosingFunction(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return n;
  return undefined;
}

/** A usable name for a function-like node: its own, its method name, or the variable it is assigned to. */
export function functionName(fn: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isMethodDeclaration(fn)) && fn.name
    && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))) return fn.name.text;
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  const p = fn.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p) || ts.isPropertyAssignment(p)) && ts.isIdentifier(p.name)) {
    return p.name.text;
  }
  return undefined;
}

/** Fold numeric literals, `const` numbers and + - * / of them; undefined when not constant. */
export function constValue(e: ts.Expression, scopes: Scopes, depth: number): number | undefined {
  e = skipOuter(e);
  if (ts.isNumericLiteral(e)) return Number(e.text.replace(/_/g, ''));
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = constValue(e.operand, scopes, depth);
    return v === undefined ? undefined : -v;
  }
  if (ts.isBinaryExpression(e)) {
    const a = constValue(e.left, scopes, depth);
    const b = a === undefined ? undefined : constValue(e.right, scopes, depth);
    if (a === undefined || b === undefined) return undefined;
    switch (e.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken: return a + b;
      case ts.SyntaxKind.MinusToken: return a - b;
      case ts.SyntaxKind.AsteriskToken: return a * b;
      case ts.SyntaxKind.SlashToken: return b === 0 ? undefined : a / b;
    }
    return undefined;
  }
  if (ts.isIdentifier(e) && depth < 3) {
    const decl = scopes.resolve(e);
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isVariableDeclarationList(decl.parent)
      && (decl.parent.flags & ts.NodeFlags.Const) !== 0) return constValue(decl.initializer, scopes, depth + 1);
  }
  return undefined;
}
