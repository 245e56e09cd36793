/**
 * Hovers and live code lenses from the current DecorationPlan. The lens provider stands aside for files
 * the language server serves (it merges the live numbers into its own static lens, see lspProtocol.ts).
 */
import * as vscode from 'vscode';
import { Commands } from '../shared/contributions';
import type { LensCommand } from '../shared/lspProtocol';
import { LENS_REFRESH_MS } from '../ui/lensRefreshes';
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
  /**
   * VS Code re-requests every lens of a document (and cancels a request in flight) on each change event,
   * whichever provider fires it: fire at most every LENS_REFRESH_MS, and only when a lens this provider
   * shows in a visible editor would read differently (never for documents the language server serves).
   */
  private readonly throttle = new Throttle(() => this.fireIfChanged(), LENS_REFRESH_MS);
  /** What the visible editors show of this provider's lenses (none at first). */
  private shown = '[]';

  constructor(
    private readonly plan: () => DecorationPlan,
    /** True when the language server shows (merged) lenses for this document. */
    private readonly servedByLanguageServer: (doc: vscode.TextDocument) => boolean,
    private readonly enabled: () => boolean,
    /** Told of each change event fired. */
    private readonly onFired: () => void = () => undefined,
  ) {}

  refresh(): void {
    this.throttle.request();
  }

  private fireIfChanged(): void {
    const docs = [...new Set(vscode.window.visibleTextEditors.map(e => e.document))];
    const shown = JSON.stringify(docs
      .map(d => [d.uri.toString(), this.lensesOf(d).map(l => [l.range.start.line, l.command?.title])] as const)
      .filter(([, lenses]) => lenses.length));
    if (shown === this.shown) return;
    this.shown = shown;
    this.changed.fire();
    this.onFired();
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    return this.lensesOf(doc);
  }

  private lensesOf(doc: vscode.TextDocument): vscode.CodeLens[] {
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
