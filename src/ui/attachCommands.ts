/**
 * Attach / run / detach commands. Every connection goes through the engine (src/inspector/connect.ts);
 * this file only asks the user what to attach to, and refuses in untrusted workspaces.
 */
import * as path from 'node:path';
import { Writable } from 'node:stream';
import * as vscode from 'vscode';
import { UserError } from '../common/errors';
import type { ConnectOptions } from '../inspector/connect';
import { findNode, inEditorTerms, inspectorArgText, parseInspectorTarget, type AttachResult, type InspectorArg } from './attachTargets';
import type { SessionOrigin } from './processSession';
import { listNodeProcesses } from './processList';
import type { SessionManager } from './sessionManager';

/** The message shown when an attach is refused because the workspace is not trusted. */
export const UNTRUSTED_MESSAGE =
  'Timerscope does not attach to or launch processes in an untrusted workspace: attaching runs code inside the target process. Trust the workspace to use it.';

/** False (after telling the user why) in an untrusted workspace. */
export function checkTrusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then(a => {
    if (a) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

/** Shows an engine error as one line (UserError) or with its message (anything else). */
export function showError(err: unknown, what: string): void {
  const msg = inEditorTerms(err instanceof UserError ? err.message : `${what} failed: ${(err as Error)?.message ?? err}`);
  void vscode.window.showErrorMessage(`Timerscope: ${msg}`);
}

export class AttachCommands {
  constructor(
    private readonly sessions: SessionManager,
    private readonly allowRemote: () => boolean,
  ) {}

  private async attach(connect: ConnectOptions, origin: SessionOrigin, name?: string): Promise<AttachResult | undefined> {
    try {
      const s = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `Timerscope: attaching to ${name ?? origin.detail}` },
        () => this.sessions.attach({ ...connect, allowRemote: this.allowRemote() }, origin, name),
      );
      vscode.window.setStatusBarMessage(`Timerscope: attached to ${s.name}`, 3000);
      return { id: s.id, name: s.name };
    } catch (err) {
      showError(err, 'attach');
      return undefined;
    }
  }

  /** Quick pick of local Node processes; turning an inspector on (SIGUSR1) needs a confirmation. */
  async attachToProcess(arg?: number | { pid?: number }): Promise<AttachResult | undefined> {
    if (!checkTrusted()) return;
    let pid = typeof arg === 'number' ? arg : arg?.pid;
    if (pid === undefined) {
      const procs = await listNodeProcesses();
      type Item = vscode.QuickPickItem & { pid: number; inspectorOn: boolean };
      const items: Item[] = procs.map(p => ({
        label: `${path.basename(p.argv[1] ?? p.argv[0])}`,
        description: `pid ${p.pid}${p.inspector.enabled ? ` · inspector on${p.inspector.port !== undefined ? ` (port ${p.inspector.port})` : ''}` : ' · inspector off'}${p.editorOwn ? ' · editor process' : ''}`,
        detail: p.argv.join(' ').slice(0, 200),
        pid: p.pid,
        inspectorOn: p.inspector.enabled,
      }));
      const pick = await vscode.window.showQuickPick(items, {
        title: 'Timerscope: Attach to Node Process',
        placeHolder: items.length ? 'Pick a Node.js process' : 'No Node.js processes found',
        matchOnDescription: true,
        matchOnDetail: true,
      });
      if (!pick) return;
      if (!pick.inspectorOn) {
        const ok = await vscode.window.showWarningMessage(
          `Process ${pick.pid} has no inspector. Turn it on with SIGUSR1? It stays listening on 127.0.0.1 until the process exits.`,
          { modal: true },
          'Enable Inspector and Attach',
        );
        if (!ok) return;
      }
      pid = pick.pid;
    }
    return this.attach({ pid }, { type: 'pid', detail: `pid ${pid}` });
  }

  /** Input box: `9229`, `host:port` or a `ws://` URL; `arg` (`{port}`, `{host, port}`, `{url}` or text) skips it. */
  async attachToInspector(arg?: string | InspectorArg): Promise<AttachResult | undefined> {
    if (!checkTrusted()) return;
    let target = inspectorArgText(arg);
    target ??= await vscode.window.showInputBox({
      title: 'Timerscope: Attach to Inspector',
      prompt: 'Inspector port, host:port or ws:// URL',
      placeHolder: '9229 or 127.0.0.1:9229 or ws://127.0.0.1:9229/…',
      validateInput: v => (parseInspectorTarget(v) ? undefined : 'Enter a port (9229), host:port or a ws:// URL'),
    });
    if (!target) return;
    const connect = parseInspectorTarget(target);
    if (!connect) return void showError(new UserError(`'${target}' is not a port, host:port or ws:// URL`), 'attach');
    return this.attach(connect, { type: connect.ws ? 'url' : 'port', detail: target.trim() });
  }

  /** Runs the active JS file (or `uri`) with Node and its inspector on an ephemeral loopback port. */
  async runCurrentFile(uri?: vscode.Uri): Promise<AttachResult | undefined> {
    if (!checkTrusted()) return;
    const doc = uri ? undefined : vscode.window.activeTextEditor?.document;
    const file = uri?.fsPath ?? (doc?.uri.scheme === 'file' ? doc.uri.fsPath : undefined);
    if (!file) return void vscode.window.showInformationMessage('Timerscope: open a JavaScript file to run it.');
    if (doc?.isDirty) await doc.save();
    const cwd = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath ?? path.dirname(file);
    const node = findNode();
    const out = this.programOutput();
    out.appendLine(`--- ${new Date().toISOString()} ${file}`);
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.append(chunk.toString());
        cb();
      },
    });
    return this.attach(
      { launch: { command: [node, file], cwd, breakOnStart: true, output: sink, env: node === 'node' ? electronAsNode() : undefined } },
      { type: 'launch', detail: path.basename(file) },
      path.basename(file),
    );
  }

  private output?: vscode.OutputChannel;
  /** One channel for the programs started with Run Current File (created on first use). */
  private programOutput(): vscode.OutputChannel {
    this.output ??= vscode.window.createOutputChannel('Timerscope: Program Output');
    this.output.show(true);
    return this.output;
  }

  dispose(): void {
    this.output?.dispose();
  }

  /** Detaches `id`, the only session, or one picked from a list. */
  async detach(id?: string): Promise<void> {
    const all = this.sessions.list();
    if (!id) {
      if (all.length === 0) return;
      if (all.length === 1) id = all[0].id;
      else {
        const pick = await vscode.window.showQuickPick(
          [{ label: 'All processes', id: '*' }, ...all.map(s => ({ label: s.name, description: s.state, id: s.id }))],
          { title: 'Timerscope: Detach' },
        );
        if (!pick) return;
        if (pick.id === '*') return this.sessions.detachAll();
        id = pick.id;
      }
    }
    await this.sessions.detach(id);
  }
}

/** The editor's own runtime is Electron in desktop VS Code: it runs scripts as Node only when told to. */
function electronAsNode(): NodeJS.ProcessEnv | undefined {
  return process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : undefined;
}
