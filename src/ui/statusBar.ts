/** Status bar item: attached process(es), live timers and findings; hidden when nothing is attached. */
import * as vscode from 'vscode';
import { formatCount } from '../editor/lensText';
import { Commands, Views } from '../shared/contributions';
import type { ProcessSession } from './processSession';

export class TimerscopeStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('timerscope.status', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'Timerscope';
    this.item.command = `${Views.Timers}.focus`;
  }

  update(sessions: ProcessSession[], problems: number): void {
    if (sessions.length === 0) {
      this.item.hide();
      return;
    }
    const live = sessions.reduce((n, s) => n + s.sites.reduce((m, x) => m + x.live, 0), 0);
    const who = sessions.length === 1 ? sessions[0].name : `${sessions.length} processes`;
    const exited = sessions.every(s => s.state === 'exited');
    this.item.text = `$(watch) ${who} · ${formatCount(live)} timer${live === 1 ? '' : 's'}${problems ? ` · $(warning) ${problems}` : ''}${exited ? ' · exited' : ''}`;
    this.item.tooltip = new vscode.MarkdownString(
      sessions.map(s => `**${s.name}** — ${s.state}, ${s.sites.length} sites${s.lastError ? ` (${s.lastError})` : ''}`).join('\n\n') +
        `\n\n[Detach](command:${Commands.Detach}) · [Take Snapshot](command:${Commands.TakeSnapshot})`,
    );
    this.item.tooltip.isTrusted = { enabledCommands: [Commands.Detach, Commands.TakeSnapshot] };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
