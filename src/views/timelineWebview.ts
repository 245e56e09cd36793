import * as vscode from 'vscode';
import type { SourcePosition } from '../shared/snapshot';
import type { ITimelineClient, TimelineHub } from './timelineHub';
import { buildWebviewHtml, makeNonce } from './webviewHtml';

/**
 * Shared set-up of a timeline webview (view or panel): scripts on, resources only from dist/webview and
 * media, the CSP'd page, and the wiring of messages and visibility to the {@link TimelineHub}.
 */

/** Webview options: nothing outside the extension's dist/webview and media folders can load. */
export function timelineWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

/** Sets the page and connects `webview` to `hub`; returns what to dispose with the owner. */
export function connectTimelineWebview(
  extensionUri: vscode.Uri,
  webview: vscode.Webview,
  hub: TimelineHub,
  isVisible: () => boolean,
  onDidChangeVisibility: vscode.Event<unknown>,
): vscode.Disposable {
  const asUri = (file: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', file)).toString();
  webview.html = buildWebviewHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: asUri('timeline.js'),
    styleUri: asUri('timeline.css'),
  });
  const client: ITimelineClient = hub.attach({
    get visible() {
      return isVisible();
    },
    postMessage: m => webview.postMessage(m),
  });
  const subs = [
    webview.onDidReceiveMessage(m => client.receive(m)),
    onDidChangeVisibility(() => client.visibilityChanged()),
  ];
  return new vscode.Disposable(() => {
    client.dispose();
    for (const s of subs) s.dispose();
  });
}

/** Opens `location` in an editor (the host side of the webview's `reveal`). */
export async function revealLocation(location: SourcePosition): Promise<void> {
  const uri = /^[a-z][a-z0-9+.-]+:\/\//i.test(location.file) ? vscode.Uri.parse(location.file) : vscode.Uri.file(location.file);
  const pos = new vscode.Position(Math.max(0, location.line - 1), Math.max(0, location.column - 1));
  try {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), viewColumn: vscode.ViewColumn.One, preview: true });
  } catch (err) {
    void vscode.window.showWarningMessage(`Timerscope: cannot open ${location.file}:${location.line}: ${(err as Error).message}`);
  }
}
