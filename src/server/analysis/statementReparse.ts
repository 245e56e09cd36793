// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { TextEdit } from './parse';

/**
 * Re-parse of one top-level statement. TypeScript's incremental `updateSourceFile` costs about a fifth of a
 * full parse however small the edit (it sets every parent pointer of the file again and re-checks every
 * node after the change). An edit inside one top-level statement usually cannot change anything outside
 * it, so only that statement's new text is parsed (a small SourceFile made from the slice) and spliced
 * into a copy of the file: the nodes after it are moved by the length change, every other node is kept.
 *
 * It answers `undefined` (the caller then uses TypeScript's re-parse) whenever the result might differ
 * from parsing the whole new text: the old file had parse errors; the edit is not inside one statement;
 * the slice does not parse to exactly one error-free statement ending at the same boundary (an opened
 * comment, string or template, or an added `;x`, fail this); the statement or the one before it could
 * be continued by the next token (ASI: `a = b` followed by `(c)`); an edit that adds or removes import/export
 * syntax (it changes what the file is); leading comments of the first statement (file pragmas).
 */
export function reparseStatement(oldFile: ts.SourceFile, e: TextEdit): ts.SourceFile | undefined {
  const old = oldFile as Internal;
  if (hasErrors(old)) return undefined;
  const statements = old.statements;
  const index = statementAt(statements, e);
  if (index < 0) return undefined;
  const stmt = statements[index];
  if (index === 0 && e.start < stmt.getStart(old)) return undefined;
  if (index > 0 && !isClosed(statements[index - 1], old)) return undefined;
  // What makes the file a module: the first import/export statement, or an `import.meta` inside one.
  const indicator = old.externalModuleIndicator as ts.Node | true | undefined;
  const holdsIndicator = typeof indicator === 'object' && indicator.pos >= stmt.pos && indicator.end <= stmt.end;
  if (holdsIndicator && indicator !== stmt) return undefined;

  const delta = e.newText.length - (e.end - e.start);
  const sliceText = old.text.slice(stmt.pos, e.start) + e.newText + old.text.slice(e.end, stmt.end);
  const slice = ts.createSourceFile(old.fileName, sliceText, {
    languageVersion: old.languageVersion,
    // The same module-ness as the file, so top-level `await` parses as it would in the whole file.
    setExternalModuleIndicator: f => { (f as { externalModuleIndicator?: unknown }).externalModuleIndicator = old.externalModuleIndicator ? true : undefined; },
    jsDocParsingMode: old.jsDocParsingMode,
  }, true, old.scriptKind) as Internal;
  if (hasErrors(slice)) return undefined;
  if (slice.statements.length !== 1 || slice.statements[0].end !== sliceText.length) return undefined;
  const fresh = slice.statements[0];
  if (isModuleSyntax(fresh) !== isModuleSyntax(stmt) || !isClosed(fresh, slice)) return undefined;
  if (!indicator && slice.flags & IMPORT_META) return undefined;

  const text = old.text.slice(0, e.start) + e.newText + old.text.slice(e.end);
  moveTree(fresh, stmt.pos);
  for (let i = index + 1; i < statements.length; i++) moveTree(statements[i], delta);
  moveTree(old.endOfFileToken, delta);
  const list = [...statements];
  list[index] = fresh;
  const sf = Object.assign(Object.create(Object.getPrototypeOf(old)) as Internal, old);
  const mutable = sf as { -readonly [K in keyof Internal]: Internal[K] };
  mutable.text = text;
  mutable.end = old.end + delta;
  mutable.statements = ts.setTextRange(ts.factory.createNodeArray(list), { pos: statements.pos, end: statements.end + delta });
  mutable.lineMap = spliceLineMap(old, stmt, sliceText, slice, delta);
  if (holdsIndicator) mutable.externalModuleIndicator = fresh;
  mutable.commentDirectives = spliceDirectives(old, slice, stmt, delta);
  // `import()` / `import.meta` seen anywhere: file-level flags the parser sets while parsing any statement.
  mutable.flags = old.flags | (slice.flags & PERMANENT_FILE_FLAGS);
  // Every top-level node's parent is the file; deeper nodes reach it through them (getStart reads its text).
  for (const s of list) (s as { parent: ts.Node }).parent = sf;
  (old.endOfFileToken as { parent: ts.Node }).parent = sf;
  return sf;
}

/** SourceFile fields TypeScript keeps internal. */
type Directive = { range: ts.TextRange };
type Internal = ts.SourceFile & {
  parseDiagnostics: ts.Diagnostic[];
  jsDocDiagnostics?: ts.Diagnostic[];
  externalModuleIndicator?: unknown;
  jsDocParsingMode?: ts.JSDocParsingMode;
  scriptKind: ts.ScriptKind;
  lineMap?: readonly number[];
  commentDirectives?: Directive[];
};
/** NodeFlags.PossiblyContainsDynamicImport | PossiblyContainsImportMeta (internal: PermanentlySetIncrementalFlags). */
const PERMANENT_FILE_FLAGS: number = (ts.NodeFlags as unknown as Record<string, number>).PermanentlySetIncrementalFlags ?? 0;

const IMPORT_META: number = (ts.NodeFlags as unknown as Record<string, number>).PossiblyContainsImportMeta ?? 0;

const hasErrors = (f: Internal) => f.parseDiagnostics.length > 0 || (f.jsDocDiagnostics?.length ?? 0) > 0;

/** Index of the top-level statement that wholly contains the edited range, or -1. */
function statementAt(statements: ts.NodeArray<ts.Statement>, e: TextEdit): number {
  let lo = 0, hi = statements.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = statements[mid];
    if (e.start < s.pos) hi = mid - 1;
    else if (e.start >= s.end) lo = mid + 1;
    else return e.end <= s.end ? mid : -1;
  }
  return -1;
}

function isModuleSyntax(s: ts.Statement): boolean {
  if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s)) return true;
  return ts.canHaveModifiers(s) && !!ts.getModifiers(s)?.some(m => m.kind === ts.SyntaxKind.ExportKeyword || m.kind === ts.SyntaxKind.DefaultKeyword);
}

/**
 * True when no token after the statement can extend it: it ends with `;`, or it is a declaration or a
 * compound statement whose closing `}` ends it for good (`function f() {}` and `if (a) {}` can not be
 * continued; `const f = function () {}` can, by `(`).
 */
function isClosed(s: ts.Statement, sf: ts.SourceFile): boolean {
  if (sf.text.charCodeAt(s.end - 1) === 59 /* ; */) return true;
  switch (s.kind) {
    case ts.SyntaxKind.FunctionDeclaration: return !!(s as ts.FunctionDeclaration).body;
    case ts.SyntaxKind.ClassDeclaration:
    case ts.SyntaxKind.InterfaceDeclaration:
    case ts.SyntaxKind.EnumDeclaration:
    case ts.SyntaxKind.Block:
    case ts.SyntaxKind.TryStatement:
    case ts.SyntaxKind.SwitchStatement:
      return true;
    case ts.SyntaxKind.IfStatement: {
      const i = s as ts.IfStatement;
      const last = i.elseStatement ?? i.thenStatement;
      return ts.isBlock(last) || isClosed(last, sf);
    }
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForInStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.WhileStatement: {
      const body = (s as ts.IterationStatement).statement;
      return ts.isBlock(body) || isClosed(body, sf);
    }
    default: return false;
  }
}

/** Shifts a subtree's positions (JSDoc included) by `by`; TypeScript's incremental parser moves reused nodes the same way. */
function moveTree(root: ts.Node, by: number): void {
  if (!by) return;
  const visit = (n: ts.Node): void => {
    (n as { pos: number }).pos += by;
    (n as { end: number }).end += by;
    const docs = (n as { jsDoc?: ts.Node[] }).jsDoc;
    if (docs) for (const d of docs) visit(d);
    ts.forEachChild(n, visit, visitArray);
  };
  const visitArray = (a: ts.NodeArray<ts.Node>): void => {
    (a as { pos: number }).pos += by;
    (a as { end: number }).end += by;
    for (const n of a) visit(n);
  };
  visit(root);
}

/** Line starts of the new text: unchanged before the statement, the slice's own inside it, moved after it. */
function spliceLineMap(old: ts.SourceFile, stmt: ts.Statement, sliceText: string, slice: ts.SourceFile, delta: number): number[] {
  const starts = old.getLineStarts();
  let first = 0;
  while (first < starts.length && starts[first] <= stmt.pos) first++;
  let after = first;
  while (after < starts.length && starts[after] <= stmt.end) after++;
  const out = starts.slice(0, first);
  for (const s of slice.getLineStarts()) if (s > 0 && s <= sliceText.length) out.push(s + stmt.pos);
  for (let i = after; i < starts.length; i++) out.push(starts[i] + delta);
  return out;
}

/** `@ts-ignore`/`@ts-expect-error` comments: the old ones outside the statement (moved) and the slice's. */
function spliceDirectives(old: Internal, slice: Internal, stmt: ts.Statement, delta: number): Directive[] | undefined {
  const before = old.commentDirectives ?? [];
  const mine = slice.commentDirectives ?? [];
  if (!before.length && !mine.length) return undefined;
  const at = (d: Directive, by: number): Directive => ({ ...d, range: { pos: d.range.pos + by, end: d.range.end + by } });
  return [
    ...before.filter(d => d.range.end <= stmt.pos),
    ...mine.map(d => at(d, stmt.pos)),
    ...before.filter(d => d.range.pos >= stmt.end).map(d => at(d, delta)),
  ];
}
