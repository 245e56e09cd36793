/**
 * A minimal extension for the code-server timeline test: registers exactly what src/views/timelineViews.ts
 * offers (the view, Show Timeline, Open Recording) and, when TIMERSCOPE_TEST_RECORDING is set, opens that
 * recording on start-up. Bundled by the test with esbuild; the real extension wires the same function.
 */
import * as vscode from 'vscode';
import { registerTimelineViews } from '../../src/views/timelineViews';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Timerscope Timeline Test');
  registerTimelineViews(context, m => log.appendLine(m));
  const rec = process.env['TIMERSCOPE_TEST_RECORDING'];
  if (rec) void vscode.commands.executeCommand('timerscope.openRecording', vscode.Uri.file(rec));
}

export function deactivate(): void {}
