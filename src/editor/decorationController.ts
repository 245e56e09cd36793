/**
 * Turns a DecorationPlan into gutter icons and overview-ruler marks in the visible editors. One cached
 * decoration type per marker kind; updates are throttled so the editor redraws a few times a second at most.
 */
import * as vscode from 'vscode';
import { Colors } from '../shared/contributions';
import { Throttle } from '../ui/throttle';
import { MARK_KINDS, type DecorationPlan, type MarkKind } from './decorationPlan';

const COLOR: Record<MarkKind, string> = {
  leak: Colors.Leak,
  late: Colors.Late,
  churn: Colors.Churn,
  healthy: Colors.Healthy,
  unrefd: Colors.Healthy,
};

export class DecorationController implements vscode.Disposable {
  private readonly types: Map<MarkKind, vscode.TextEditorDecorationType>;
  private plan: DecorationPlan = new Map();
  private readonly throttle: Throttle;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    minIntervalMs = 250,
  ) {
    this.throttle = new Throttle(() => this.applyNow(), minIntervalMs);
    const icon = (theme: 'light' | 'dark', kind: MarkKind) => vscode.Uri.joinPath(extensionUri, 'media', 'icons', theme, `${kind}.svg`);
    this.types = new Map(
      MARK_KINDS.map(kind => [
        kind,
        vscode.window.createTextEditorDecorationType({
          light: { gutterIconPath: icon('light', kind) },
          dark: { gutterIconPath: icon('dark', kind) },
          gutterIconSize: '70%',
          overviewRulerColor: new vscode.ThemeColor(COLOR[kind]),
          // Quiet dots stay out of the overview ruler's centre lane.
          overviewRulerLane: kind === 'healthy' || kind === 'unrefd' ? vscode.OverviewRulerLane.Left : vscode.OverviewRulerLane.Right,
        }),
      ]),
    );
    this.subscriptions.push(vscode.window.onDidChangeVisibleTextEditors(() => this.throttle.run()));
  }

  /** The plan currently shown (tests read it through the extension's API). */
  current(): DecorationPlan {
    return this.plan;
  }

  /** Shows a new plan, at most every `minIntervalMs`. */
  update(plan: DecorationPlan): void {
    this.plan = plan;
    this.throttle.request();
  }

  private applyNow(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const marks = editor.document.uri.scheme === 'file' ? this.plan.get(editor.document.uri.fsPath) ?? [] : [];
      for (const kind of MARK_KINDS) {
        const ranges = marks
          .filter(m => m.kind === kind && m.line <= editor.document.lineCount)
          .map(m => new vscode.Range(m.line - 1, 0, m.line - 1, 0));
        editor.setDecorations(this.types.get(kind)!, ranges);
      }
    }
  }

  dispose(): void {
    this.throttle.cancel();
    for (const t of this.types.values()) t.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
