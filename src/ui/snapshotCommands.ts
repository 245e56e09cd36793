/**
 * Palette snapshots: `Take Snapshot` (saved as timerscope.snapshot/v1 JSON in the workspace storage and
 * shown as a read-only report document), `Compare with Previous Snapshot`, `Export Snapshot…`.
 * The report and diff texts are the CLI's (src/model/snapshotReport.ts, snapshotDiff.ts).
 */
import * as vscode from 'vscode';
import { diffSnapshots, formatDiff } from '../model/snapshotDiff';
import { formatSnapshot } from '../model/snapshotReport';
import { ContextKeys } from '../shared/contributions';
import { showError } from './attachCommands';
import type { Logger, ProcessSession } from './processSession';
import type { SessionManager } from './sessionManager';
import { SnapshotHistory, snapshotFileName, type SavedSnapshot } from './snapshotHistory';

/** Read-only documents of reports: `timerscope-report:/Snapshot 1 — app.js (pid 42).txt`. */
export const REPORT_SCHEME = 'timerscope-report';

export class SnapshotCommands implements vscode.Disposable {
  readonly history = new SnapshotHistory();
  private readonly reports = new Map<string, string>();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly sessions: SessionManager,
    private readonly storage: vscode.Uri,
    private readonly log: Logger,
  ) {
    this.disposables = [
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, { provideTextDocumentContent: uri => this.reports.get(uri.path) ?? '' }),
    ];
  }

  /** The only live session, the one with `id`, or one picked from a list. */
  private async pick(title: string, id?: string): Promise<ProcessSession | undefined> {
    const live = this.sessions.active();
    if (id) return this.sessions.get(id);
    if (live.length <= 1) {
      if (!live[0]) void vscode.window.showInformationMessage('Timerscope: attach to a Node.js process first.');
      return live[0];
    }
    const pick = await vscode.window.showQuickPick(live.map(s => ({ label: s.name, description: s.state, s })), { title });
    return pick?.s;
  }

  async takeSnapshot(sessionId?: string, opts: { show?: boolean } = {}): Promise<SavedSnapshot | undefined> {
    const session = await this.pick('Timerscope: Take Snapshot of', sessionId);
    if (!session) return undefined;
    try {
      const snapshot = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Timerscope: snapshot of ${session.name}` },
        () => session.snapshot(),
      );
      const dir = vscode.Uri.joinPath(this.storage, 'snapshots');
      await vscode.workspace.fs.createDirectory(dir);
      const file = vscode.Uri.joinPath(dir, snapshotFileName(session.name, snapshot.takenAt));
      await vscode.workspace.fs.writeFile(file, Buffer.from(JSON.stringify(snapshot, null, 2)));
      const saved = this.history.add({ sessionId: session.id, processName: session.name, snapshot, file: file.fsPath });
      this.log.info(`snapshot ${saved.seq} of ${session.name}: ${snapshot.timers.length} timers, saved to ${file.fsPath}`);
      void vscode.commands.executeCommand('setContext', ContextKeys.HasSnapshot, true);
      if (opts.show !== false) await this.show(`Snapshot ${saved.seq} — ${session.name}`, formatSnapshot(snapshot) + `\n\nSaved to ${file.fsPath}\n`);
      return saved;
    } catch (err) {
      showError(err, 'snapshot');
      return undefined;
    }
  }

  /** Diffs the newest snapshot with the previous one of that process (taking a new one if there is only one). */
  async compareWithPrevious(): Promise<string | undefined> {
    let pair = this.history.lastPair();
    if (!pair) {
      const last = this.history.latest();
      if (!last) return void vscode.window.showInformationMessage('Timerscope: take a snapshot first.');
      if (!this.sessions.get(last.sessionId)) return void vscode.window.showInformationMessage(`Timerscope: ${last.processName} is no longer attached.`);
      await this.takeSnapshot(last.sessionId, { show: false });
      pair = this.history.lastPair(last.sessionId);
      if (!pair) return undefined;
    }
    const [a, b] = pair;
    const seconds = ((Date.parse(b.snapshot.takenAt) - Date.parse(a.snapshot.takenAt)) / 1000).toFixed(1);
    const text =
      `Timerscope: ${b.processName}, snapshot ${a.seq} → ${b.seq} (${seconds} s apart): ` +
      `${a.snapshot.timers.length} → ${b.snapshot.timers.length} timers\n\n${formatDiff(diffSnapshots(a.snapshot, b.snapshot))}\n`;
    await this.show(`Snapshot ${a.seq} vs ${b.seq} — ${b.processName}`, text);
    return text;
  }

  /** Writes the newest snapshot's JSON to `target` (or where the user says). */
  async exportSnapshot(target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const last = this.history.latest();
    if (!last) return void vscode.window.showInformationMessage('Timerscope: take a snapshot first.');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = snapshotFileName(last.processName, last.snapshot.takenAt);
    target ??= await vscode.window.showSaveDialog({
      title: 'Timerscope: Export Snapshot',
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: { 'Timerscope snapshot': ['json'] },
    });
    if (!target) return undefined;
    await vscode.workspace.fs.writeFile(target, Buffer.from(JSON.stringify(last.snapshot, null, 2)));
    void vscode.window.showInformationMessage(`Timerscope: snapshot exported to ${target.fsPath} (read it with 'timerscope diff').`);
    return target;
  }

  private async show(title: string, text: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${title.replace(/[\\/]/g, '_')}.txt` });
    this.reports.set(uri.path, text);
    await vscode.window.showTextDocument(uri, { preview: false });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
