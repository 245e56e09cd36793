import {
  CodeActionKind, DiagnosticSeverity, type CodeAction, type CodeLens, type Diagnostic, type Range,
} from 'vscode-languageserver';
import type * as ts from 'typescript';
import type { Analysis } from './analysis/analyze';
import { planLenses } from './analysis/lenses';
import { fixesFor } from './analysis/quickFixes';
import { applyLevels, type RuleLevels } from './analysis/rules';
import { LensCommand, type LiveSiteNumbers } from '../shared/lspProtocol';

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };
const DOCS = 'https://github.com/timerscope/timerscope/blob/main/docs/language-server.md#';

function range(sf: ts.SourceFile, start: number, end: number): Range {
  return { start: sf.getLineAndCharacterOfPosition(start), end: sf.getLineAndCharacterOfPosition(end) };
}

/** Findings → LSP diagnostics (code = rule id, source = timerscope), with configured levels applied. */
export function toDiagnostics(a: Analysis, levels: RuleLevels): Diagnostic[] {
  return applyLevels(a.findings, levels).map(f => ({
    range: range(a.facts.sf, f.start, f.end),
    severity: SEVERITY[f.level],
    code: f.rule,
    codeDescription: { href: DOCS + f.rule },
    source: 'timerscope',
    message: f.message,
  }));
}

/** One lens per timer call (static facts + live numbers when present). */
export function toCodeLenses(uri: string, a: Analysis, live: LiveSiteNumbers[] | undefined): CodeLens[] {
  return planLenses(a.sites, live).map(p => {
    const args: LensCommand.Args = { uri, line: p.site.line, column: p.site.column };
    if (p.site.kind) args.kind = p.site.kind as LensCommand.Args['kind'];
    return {
      range: { start: { line: p.line, character: p.character }, end: { line: p.line, character: p.character } },
      command: { title: p.title, command: LensCommand.id, arguments: [args] },
    };
  });
}

/** Quick fixes for the Timerscope diagnostics in the requested range. */
export function toCodeActions(uri: string, a: Analysis, diagnostics: Diagnostic[]): CodeAction[] {
  const sf = a.facts.sf;
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'timerscope') continue;
    const start = sf.getPositionOfLineAndCharacter(d.range.start.line, d.range.start.character);
    const finding = a.findings.find(f => f.rule === d.code && f.start === start);
    if (!finding) continue;
    for (const fix of fixesFor(a.facts, finding)) {
      out.push({
        title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.preferred,
        edit: { changes: { [uri]: fix.edits.map(e => ({ range: range(sf, e.start, e.end), newText: e.newText })) } },
      });
    }
  }
  return out;
}
