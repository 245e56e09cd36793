/**
 * Hovers and live code lenses from the current DecorationPlan. The lens provider stands aside for files
 * the language server serves (it merges the live numbers into its own static lens, see lspProtocol.ts).
 */
import * as vscode from 'vscode';
import { Commands } from '../shared/contributions';
import type { LensCommand } from '../shared/lspProtocol';
import { Throttle } from '../ui/throttle';
import type { DecorationPlan } from './decorationPlan';

export class TimerHoverProvider implements vscode.HoverProvider {
  constructor(private readonly plan: () => DecorationPlan) {}

  provideHover(doc: vscode.TextDocument, pos: vscode.Position): vscode.Hover | undefined {
    const mark = this.plan().get(doc.uri.fsPath)?.find(m => m.line === pos.line + 1);
    if (!mark) return undefined;
    const md = new vscode.MarkdownString(mark.hover);
    md.isTrusted = { enabledCommands: [Commands.RevealSite, Commands.RevealInTimeline] };
    return new vscode.Hover(md, doc.lineAt(pos.line).range);
  }
}

export class LiveCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  /** Lenses are re-requested (and a request in flight cancelled) on every change: at most once a second. */
  private readonly throttle = new Throttle(() => this.changed.fire(), 1000);

  constructor(
    private readonly plan: () => DecorationPlan,
    /** True when the language server shows (merged) lenses for this document. */
    private readonly servedByLanguageServer: (doc: vscode.TextDocument) => boolean,
    private readonly enabled: () => boolean,
  ) {}

  refresh(): void {
    this.throttle.request();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.enabled() || this.servedByLanguageServer(doc)) return [];
    const marks = this.plan().get(doc.uri.fsPath) ?? [];
    return marks
      .filter(m => m.line <= doc.lineCount)
      .map(m => {
        const args: LensCommand.Args = { uri: doc.uri.toString(), line: m.line, column: m.column, kind: m.sites[0]?.kind };
        return new vscode.CodeLens(new vscode.Range(m.line - 1, 0, m.line - 1, 0), {
          title: `$(watch) ${m.lens}`,
          tooltip: m.reason,
          command: Commands.RevealInTimeline,
          arguments: [args],
        });
      });
  }

  dispose(): void {
    this.throttle.cancel();
    this.changed.dispose();
  }
}
