// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import { reparseStatement } from './statementReparse';

/** Script kind from an LSP languageId, falling back to the file extension. */
export function scriptKindFor(uriOrPath: string, languageId?: string): ts.ScriptKind {
  switch (languageId) {
    case 'typescript': return ts.ScriptKind.TS;
    case 'typescriptreact': return ts.ScriptKind.TSX;
    case 'javascript': return ts.ScriptKind.JS;
    case 'javascriptreact': return ts.ScriptKind.JSX;
  }
  const m = /\.([cm]?[jt]sx?)$/i.exec(uriOrPath);
  const ext = m ? m[1].toLowerCase() : 'js';
  if (ext.endsWith('tsx')) return ts.ScriptKind.TSX;
  if (ext.endsWith('jsx')) return ts.ScriptKind.JSX;
  if (ext.endsWith('ts')) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
}

/** True for files the analysis understands (by extension). */
export function isAnalyzablePath(path: string): boolean {
  return /\.([cm]?[jt]sx?)$/i.test(path) && !/\.d\.[cm]?ts$/i.test(path);
}

/** Full parse. Parent pointers are set because the rules walk upwards from call sites. */
export function parse(fileName: string, text: string, kind: ts.ScriptKind): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
}

/** One text edit, in offsets of the text it applies to. */
export type TextEdit = { start: number; end: number; newText: string };

/**
 * Incremental re-parse: every syntax node outside the edited span is reused, which is what keeps
 * re-analysis after a keystroke cheap in large files. An edit inside one top-level statement re-parses
 * that statement alone (statementReparse.ts); any other edit goes to TypeScript's incremental parser.
 * Edits are applied one after another.
 */
export function reparse(old: ts.SourceFile, edits: readonly TextEdit[]): ts.SourceFile {
  let sf = old;
  for (const e of edits) {
    const quick = reparseStatement(sf, e);
    if (quick) { sf = quick; continue; }
    const text = sf.text.slice(0, e.start) + e.newText + sf.text.slice(e.end);
    const range = ts.createTextChangeRange(ts.createTextSpan(e.start, e.end - e.start), e.newText.length);
    sf = ts.updateSourceFile(sf, text, range, false);
  }
  return sf;
}
