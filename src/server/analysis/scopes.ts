// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';

/**
 * Lexical name resolution without a type checker: enough to tell `t` in `clearInterval(t)` apart from
 * another `t` in a different function. A checker per file would cost a Program per keystroke; this
 * costs one map per scope that is actually asked about.
 */
export class Scopes {
  /** Per version of a file (facts.ts makes a new Scopes for each). */
  private readonly cache = new Map<ts.Node, Map<string, ts.Node>>();
  /** While set, every resolution is recorded (facts.ts uses it to know what a statement depends on). */
  tracker: ResolutionTracker | undefined;

  /** The declaration (VariableDeclaration, Parameter, BindingElement, function, class, import) of `id`. */
  resolve(id: ts.Identifier): ts.Node | undefined {
    const name = id.text;
    for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
      if (!isScope(n)) continue;
      const decl = this.declsOf(n).get(name);
      if (decl) {
        if (this.tracker) this.tracker.statements.add(topLevelStatement(decl));
        return decl;
      }
    }
    this.tracker?.missing.add(name);
    return undefined;
  }

  /** Whether the file's top-level scope declares `name`. */
  declaresAtTop(sf: ts.SourceFile, name: string): boolean {
    return this.declsOf(sf).has(name);
  }

  private declsOf(scope: ts.Node): Map<string, ts.Node> {
    let m = this.cache.get(scope);
    if (m) return m;
    m = new Map();
    const add = (name: ts.BindingName | undefined, decl: ts.Node) => addBinding(m!, name, decl);
    if (ts.isFunctionLike(scope)) {
      for (const p of scope.parameters) add(p.name, p);
      if ((ts.isFunctionExpression(scope) || ts.isClassExpression(scope)) && scope.name) add(scope.name, scope);
    } else if (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) {
      const init = scope.initializer;
      if (init && ts.isVariableDeclarationList(init)) for (const d of init.declarations) add(d.name, d);
    } else if (ts.isCatchClause(scope)) {
      if (scope.variableDeclaration) add(scope.variableDeclaration.name, scope.variableDeclaration);
    } else {
      const statements = ts.isCaseBlock(scope)
        ? scope.clauses.flatMap(c => [...c.statements])
        : (scope as ts.Block | ts.SourceFile | ts.ModuleBlock).statements;
      for (const s of statements) declareStatement(s, add);
    }
    this.cache.set(scope, m);
    return m;
  }
}

/**
 * What a walk's name resolution depended on: the top-level statements holding the declarations it found
 * (TypeScript reuses a statement only with its whole subtree, so the statement still being in the tree
 * means the declaration is unchanged), and the names it could not resolve.
 */
export type ResolutionTracker = { statements: Set<ts.Node>; missing: Set<string> };

/** The statement directly under the SourceFile that contains `node` (the node itself for a SourceFile). */
function topLevelStatement(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
  return n;
}

function isScope(n: ts.Node): boolean {
  return ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseBlock(n) || ts.isFunctionLike(n)
    || ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n) || ts.isCatchClause(n);
}

function declareStatement(s: ts.Statement, add: (name: ts.BindingName | undefined, decl: ts.Node) => void): void {
  if (ts.isVariableStatement(s)) {
    for (const d of s.declarationList.declarations) add(d.name, d);
  } else if (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isEnumDeclaration(s)) {
    if (s.name) add(s.name, s);
  } else if (ts.isImportDeclaration(s) && s.importClause) {
    const c = s.importClause;
    if (c.name) add(c.name, c);
    const nb = c.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) add(nb.name, nb);
    if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) add(el.name, el);
  }
}

function addBinding(m: Map<string, ts.Node>, name: ts.BindingName | undefined, decl: ts.Node): void {
  if (!name) return;
  if (ts.isIdentifier(name)) {
    if (!m.has(name.text)) m.set(name.text, decl);
    return;
  }
  for (const el of name.elements) {
    if (ts.isBindingElement(el)) addBinding(m, el.name, el);
  }
}
