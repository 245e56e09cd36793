/**
 * Auto-attach to Node.js debug sessions of VS Code's JavaScript debugger through its CDP proxy
 * (`extension.js-debug.requestCDPProxy`): no second inspector port, one Timerscope session per concrete
 * debug session (the program, its child processes, its workers), detached when the debug session ends.
 */
import * as vscode from 'vscode';
import { Settings } from '../shared/contributions';
import type { AutoAttachMode } from '../shared/settings';
import { UNTRUSTED_MESSAGE, showError } from './attachCommands';
import { debugSessionLabel, isConcreteSession, isNodeDebugSession, proxyWebSocketUrl } from './debugTargets';
import type { Logger } from './processSession';
import type { SessionManager } from './sessionManager';

/** How long a top-level session may take to spawn its first child before we take it as the target itself. */
const CHILD_GRACE_MS = 2000;
/** How long js-debug may take to know a new session and answer for its CDP proxy. */
const PROXY_DEADLINE_MS = 5000;

export class DebugAutoAttach implements vscode.Disposable {
  private readonly withChildren = new Set<string>();
  private readonly ended = new Set<string>();
  private readonly attachedDebugIds = new Set<string>();
  /** One answer per launch (root session), so a program with workers asks once. */
  private readonly answers = new Map<string, Thenable<boolean>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly graceTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly sessions: SessionManager,
    private readonly mode: () => AutoAttachMode,
    private readonly allowRemote: () => boolean,
    private readonly log: Logger,
  ) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession(s => this.onStart(s)),
      vscode.debug.onDidTerminateDebugSession(s => void this.onEnd(s)),
    );
    // Sessions that started before we activated (activation by onDebugResolve races the first session).
    for (const s of vscode.debug.activeDebugSession ? [vscode.debug.activeDebugSession] : []) this.onStart(s);
  }

  private onStart(s: vscode.DebugSession): void {
    if (!isNodeDebugSession(s)) return;
    if (s.parentSession) this.withChildren.add(s.parentSession.id);
    if (s.parentSession) {
      void this.consider(s);
      return;
    }
    const timer = setTimeout(() => {
      this.graceTimers.delete(timer);
      if (isConcreteSession(s, this.withChildren.has(s.id))) void this.consider(s);
    }, CHILD_GRACE_MS);
    this.graceTimers.add(timer);
  }

  private rootOf(s: vscode.DebugSession): vscode.DebugSession {
    let r = s;
    while (r.parentSession) r = r.parentSession;
    return r;
  }

  private async consider(s: vscode.DebugSession): Promise<void> {
    if (this.attachedDebugIds.has(s.id)) return;
    const mode = this.mode();
    if (mode === 'never') return;
    if (!vscode.workspace.isTrusted) {
      this.log.info(`not attaching to debug session '${s.name}': ${UNTRUSTED_MESSAGE}`);
      return;
    }
    const root = this.rootOf(s);
    if (mode === 'ask' && !(await this.ask(root))) return;
    await this.attach(s, root);
  }

  private ask(root: vscode.DebugSession): Thenable<boolean> {
    let answer = this.answers.get(root.id);
    if (!answer) {
      answer = vscode.window
        .showInformationMessage(`Timerscope: show the timers of debug session '${root.name}'?`, 'Attach', 'Always', 'Never')
        .then(a => {
          const cfg = vscode.workspace.getConfiguration('timerscope');
          if (a === 'Always' || a === 'Never') void cfg.update(Settings.AutoAttach, a.toLowerCase(), vscode.ConfigurationTarget.Global);
          return a === 'Attach' || a === 'Always';
        });
      this.answers.set(root.id, answer);
    }
    return answer;
  }

  /** Attaches to one debug session (also the `{debugSessionId}` form of the attach command). */
  async attach(s: vscode.DebugSession, root = this.rootOf(s)): Promise<void> {
    if (this.attachedDebugIds.has(s.id)) return;
    this.attachedDebugIds.add(s.id);
    const ws = await this.requestProxy(s);
    if (!ws) {
      this.attachedDebugIds.delete(s.id);
      this.log.debug(`debug session '${s.name}' (${s.type}) has no CDP proxy: not a target`);
      return;
    }
    const name = debugSessionLabel(s, root === s ? undefined : root.name);
    try {
      await this.sessions.attach({ ws, jsDebugProxy: true, allowRemote: this.allowRemote() }, { type: 'debug', detail: name, debugSessionId: s.id }, name);
    } catch (err) {
      this.attachedDebugIds.delete(s.id);
      if (this.ended.has(s.id)) this.log.info(`debug session '${s.name}' ended before attaching`);
      else showError(err, `attach to debug session '${s.name}'`);
    }
  }

  /**
   * Asks js-debug for the session's CDP proxy. js-debug learns of a session in its own
   * onDidStartDebugSession listener, which may run after ours: until then it answers undefined, so ask
   * again for a short while (a condition poll with a deadline, not a fixed wait).
   */
  private async requestProxy(s: vscode.DebugSession): Promise<string | undefined> {
    const deadline = Date.now() + PROXY_DEADLINE_MS;
    for (let attempt = 0; ; attempt++) {
      let addr: unknown;
      try {
        addr = await vscode.commands.executeCommand('extension.js-debug.requestCDPProxy', s.id);
      } catch (err) {
        this.log.debug(`requestCDPProxy for '${s.name}' failed: ${(err as Error).message}`);
      }
      const ws = proxyWebSocketUrl(addr);
      if (ws || this.ended.has(s.id) || Date.now() > deadline) return ws;
      await new Promise(r => setTimeout(r, Math.min(100 * 2 ** attempt, 500)));
    }
  }

  private async onEnd(s: vscode.DebugSession): Promise<void> {
    this.withChildren.delete(s.id);
    this.ended.add(s.id);
    this.answers.delete(s.id);
    this.attachedDebugIds.delete(s.id);
    for (const p of this.sessions.list()) if (p.origin.debugSessionId === s.id) await this.sessions.detach(p.id);
  }

  dispose(): void {
    for (const t of this.graceTimers) clearTimeout(t);
    for (const d of this.disposables) d.dispose();
  }
}
