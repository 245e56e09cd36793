import type * as ts from 'typescript';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { analyze, type Analysis } from './analysis/analyze';
import { parse, reparse, scriptKindFor, type TextEdit } from './analysis/parse';

/** An open document: its text, its syntax tree (re-parsed incrementally) and its cached analysis. */
export type OpenDocument = {
  doc: TextDocument;
  sf: ts.SourceFile;
  analysis?: Analysis;
  /** The last analysis computed, kept across edits so the next one can reuse unchanged statements. */
  previous?: Analysis;
};

/**
 * Open documents, kept in sync with incremental `didChange` events. Each change range is handed to
 * TypeScript's incremental parser so a keystroke in a 10,000-line file re-parses only the touched region;
 * the analysis is cached per version and recomputed lazily.
 */
export class OpenDocuments {
  private readonly docs = new Map<string, OpenDocument>();

  /** didOpen. */
  open(uri: string, languageId: string, version: number, text: string): OpenDocument {
    const d: OpenDocument = {
      doc: TextDocument.create(uri, languageId, version, text),
      sf: parse(uri, text, scriptKindFor(uri, languageId)),
    };
    this.docs.set(uri, d);
    return d;
  }

  /** didChange: apply ranged or full-text changes in order. */
  change(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    let fresh = false;
    for (const c of changes) {
      if ('range' in c) {
        const edit: TextEdit = { start: d.doc.offsetAt(c.range.start), end: d.doc.offsetAt(c.range.end), newText: c.text };
        d.doc = TextDocument.update(d.doc, [c], version);
        d.sf = reparse(d.sf, [edit]);
      } else {
        d.doc = TextDocument.update(d.doc, [c], version);
        d.sf = parse(uri, c.text, scriptKindFor(uri, d.doc.languageId));
        fresh = true;
      }
    }
    // A full-text change gives a fresh tree that shares no nodes with the old one: nothing to reuse.
    d.previous = fresh ? undefined : d.analysis ?? d.previous;
    d.analysis = undefined;
    return d;
  }

  /** didClose. */
  close(uri: string): void {
    this.docs.delete(uri);
  }

  /** The open document for `uri`, if any. */
  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  /** All open URIs. */
  uris(): string[] {
    return [...this.docs.keys()];
  }

  /** Analysis of the current version (computed on first use after a change). */
  analysis(uri: string): Analysis | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    if (!d.analysis) {
      d.analysis = analyze(d.sf, d.previous);
      d.previous = undefined;
    }
    return d.analysis;
  }
}
