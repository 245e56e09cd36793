import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { parseRecording } from '../model/timelineRecording';
import { DEFAULT_TIMELINE_SLO, type TimelineConfig } from '../shared/webviewProtocol';
import { TimelineHub } from './timelineHub';
import { TimelinePanel } from './timelinePanel';
import { TimelineViewProvider } from './timelineViewProvider';
import { revealLocation } from './timelineWebview';

/** Command ids contributed in package.json. */
export const TimelineCommands = {
  show: 'timerscope.showTimeline',
  openRecording: 'timerscope.openRecording',
} as const;

/**
 * Window from `timerscope.timeline.windowSeconds`; SLO thresholds shared with the markers
 * (`timerscope.thresholds.lateMs` / `callbackMs`) so the timeline outlines exactly what the gutter flags.
 */
function readConfig(): TimelineConfig {
  const c = vscode.workspace.getConfiguration('timerscope');
  return {
    windowMs: Math.max(5, c.get<number>('timeline.windowSeconds', 120)) * 1000,
    slo: {
      latenessMs: c.get<number>('thresholds.lateMs', DEFAULT_TIMELINE_SLO.latenessMs),
      callbackMs: c.get<number>('thresholds.callbackMs', DEFAULT_TIMELINE_SLO.callbackMs),
    },
  };
}

/**
 * Registers the timeline: the `timerscope.timeline` view, `Timerscope: Show Timeline`, `Timerscope: Open
 * Recording in Timeline`, the panel serializer and the settings watcher. Returns the hub the live session feeds:
 * `hub.startSession(recording, label, true)` on attach, `hub.pushDelta(d)` per delta, `hub.endSession(reason)`.
 */
export function registerTimelineViews(context: vscode.ExtensionContext, log?: (m: string) => void): TimelineHub {
  const hub = new TimelineHub(loc => void revealLocation(loc), readConfig(), log);
  const provider = new TimelineViewProvider(context.extensionUri, hub);
  context.subscriptions.push(
    { dispose: () => hub.dispose() },
    provider,
    vscode.window.registerWebviewViewProvider(TimelineViewProvider.viewId, provider),
    vscode.commands.registerCommand(TimelineCommands.show, () => TimelinePanel.show(context.extensionUri, hub)),
    vscode.commands.registerCommand(TimelineCommands.openRecording, async (uri?: vscode.Uri) => {
      const target = uri ?? (await vscode.window.showOpenDialog({ filters: { 'Timerscope recording': ['json'] }, canSelectMany: false }))?.[0];
      if (!target) return;
      try {
        const rec = parseRecording(await readFile(target.fsPath, 'utf8'));
        hub.startSession(rec, vscode.workspace.asRelativePath(target), false);
        TimelinePanel.show(context.extensionUri, hub);
      } catch (err) {
        void vscode.window.showErrorMessage(`Timerscope: ${target.fsPath} is not a recording: ${(err as Error).message}`);
      }
    }),
    vscode.window.registerWebviewPanelSerializer(TimelinePanel.viewType, {
      deserializeWebviewPanel: async panel => TimelinePanel.revive(panel, context.extensionUri, hub),
    }),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (e.affectsConfiguration('timerscope.timeline') || e.affectsConfiguration('timerscope.thresholds')) hub.setConfig(readConfig());
    }),
  );
  return hub;
}
