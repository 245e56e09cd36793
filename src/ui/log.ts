/** The Timerscope output channel, filtered by the `timerscope.logLevel` setting. */
import * as vscode from 'vscode';
import type { LogLevel } from '../shared/settings';
import type { Logger } from './processSession';

const LEVELS: LogLevel[] = ['error', 'warn', 'info', 'debug'];

export class OutputLog implements Logger, vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Timerscope');
  constructor(public level: LogLevel) {}

  private write(level: LogLevel, msg: string): void {
    if (LEVELS.indexOf(level) > LEVELS.indexOf(this.level)) return;
    this.channel.appendLine(`${new Date().toISOString()} [${level}] ${msg}`);
  }
  error(msg: string): void {
    this.write('error', msg);
  }
  warn(msg: string): void {
    this.write('warn', msg);
  }
  info(msg: string): void {
    this.write('info', msg);
  }
  debug(msg: string): void {
    this.write('debug', msg);
  }
  dispose(): void {
    this.channel.dispose();
  }
}
