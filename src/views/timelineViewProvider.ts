import * as vscode from 'vscode';
import type { TimelineHub } from './timelineHub';
import { connectTimelineWebview, timelineWebviewOptions } from './timelineWebview';

/** The `timerscope.timeline` webview view in the Timerscope panel. */
export class TimelineViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  /** View id contributed in package.json (`contributes.views.timerscope`). */
  static readonly viewId = 'timerscope.timeline';
  private connection: vscode.Disposable | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly hub: TimelineHub,
  ) {}

  /** @inheritdoc */
  resolveWebviewView(view: vscode.WebviewView): void {
    view.webview.options = timelineWebviewOptions(this.extensionUri);
    this.connection?.dispose();
    const connection = connectTimelineWebview(this.extensionUri, view.webview, this.hub, () => view.visible, view.onDidChangeVisibility);
    this.connection = connection;
    view.onDidDispose(() => {
      connection.dispose();
      if (this.connection === connection) this.connection = undefined;
    });
  }

  dispose(): void {
    this.connection?.dispose();
  }
}
