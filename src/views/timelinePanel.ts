import * as vscode from 'vscode';
import type { TimelineHub } from './timelineHub';
import { connectTimelineWebview, timelineWebviewOptions } from './timelineWebview';

/** `Timerscope: Show Timeline`: the same timeline in an editor-area panel (one at a time). */
export class TimelinePanel {
  /** Webview panel type (also the serializer's key). */
  static readonly viewType = 'timerscope.timelinePanel';
  private static current: TimelinePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Shows the panel, creating it if needed. */
  static show(extensionUri: vscode.Uri, hub: TimelineHub): void {
    if (TimelinePanel.current) {
      TimelinePanel.current.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(TimelinePanel.viewType, 'Timerscope Timeline', vscode.ViewColumn.Active, {
      ...timelineWebviewOptions(extensionUri),
      // State lives in the webview's getState/setState plus a re-hydrate: no need to keep a hidden page alive.
      retainContextWhenHidden: false,
    });
    TimelinePanel.current = new TimelinePanel(panel, extensionUri, hub);
  }

  /** Re-attaches a panel VS Code restored after a reload (WebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, hub: TimelineHub): void {
    panel.webview.options = timelineWebviewOptions(extensionUri);
    TimelinePanel.current?.dispose();
    TimelinePanel.current = new TimelinePanel(panel, extensionUri, hub);
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    hub: TimelineHub,
  ) {
    this.disposables.push(
      connectTimelineWebview(extensionUri, panel.webview, hub, () => panel.visible, panel.onDidChangeViewState),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    if (TimelinePanel.current === this) TimelinePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
