/**
 * The extension's settings as one typed, normalised object. `readSettings` takes a getter so that it
 * works with `vscode.workspace.getConfiguration('timerscope')` and with plain objects in unit tests.
 */
import { Settings } from './contributions';

export type AutoAttachMode = 'always' | 'ask' | 'never';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

/** Findings thresholds (the user's SLOs). */
export type Thresholds = {
  /** A timer firing later than this (p99) is marked "late". */
  lateMs: number;
  /** A callback running longer than this (p99) is marked "long". */
  callbackMs: number;
  /** A site with at least this many live timers that keeps growing is marked as a leak. */
  leakLive: number;
  /** Creations per second above which a site is marked as churn. */
  churnPerSecond: number;
};

export type TimerscopeSettings = {
  autoAttach: AutoAttachMode;
  allowRemote: boolean;
  thresholds: Thresholds;
  /** Globs (matched against absolute paths) of code that is not the user's own. */
  userCodeExclude: string[];
  /** Show Node-internal and dependency timers in the editor and tree. */
  showInternal: boolean;
  refreshMs: number;
  codeLens: boolean;
  decorations: boolean;
  /** Inject the live agent (fires, lateness, callback time); off: snapshots only. */
  liveMode: boolean;
  logLevel: LogLevel;
};

export const DEFAULT_SETTINGS: TimerscopeSettings = {
  autoAttach: 'ask',
  allowRemote: false,
  thresholds: { lateMs: 50, callbackMs: 50, leakLive: 50, churnPerSecond: 200 },
  userCodeExclude: ['**/node_modules/**'],
  showInternal: false,
  refreshMs: 1000,
  codeLens: true,
  decorations: true,
  liveMode: true,
  logLevel: 'info',
};

type Getter = <T>(key: string) => T | undefined;

const positive = (v: unknown, d: number, min = 0): number => (typeof v === 'number' && Number.isFinite(v) && v >= min ? v : d);
const oneOf = <T extends string>(v: unknown, all: readonly T[], d: T): T => (all.includes(v as T) ? (v as T) : d);

/** Reads and normalises every setting; invalid values fall back to the defaults. */
export function readSettings(get: Getter): TimerscopeSettings {
  const d = DEFAULT_SETTINGS;
  const excl = get<unknown>(Settings.UserCodeExclude);
  return {
    autoAttach: oneOf(get(Settings.AutoAttach), ['always', 'ask', 'never'] as const, d.autoAttach),
    allowRemote: get<boolean>(Settings.AllowRemote) === true,
    thresholds: {
      lateMs: positive(get(Settings.LateMs), d.thresholds.lateMs),
      callbackMs: positive(get(Settings.CallbackMs), d.thresholds.callbackMs),
      leakLive: positive(get(Settings.LeakLive), d.thresholds.leakLive, 1),
      churnPerSecond: positive(get(Settings.ChurnPerSecond), d.thresholds.churnPerSecond, 1),
    },
    userCodeExclude: Array.isArray(excl) ? excl.filter((x): x is string => typeof x === 'string') : d.userCodeExclude,
    showInternal: get<boolean>(Settings.ShowInternal) === true,
    // Below 250 ms the editor would redraw faster than anyone reads it and the target pays for nothing.
    refreshMs: Math.max(250, positive(get(Settings.RefreshMs), d.refreshMs)),
    codeLens: get<boolean>(Settings.CodeLens) !== false,
    decorations: get<boolean>(Settings.Decorations) !== false,
    liveMode: get<boolean>(Settings.LiveMode) !== false,
    logLevel: oneOf(get(Settings.LogLevel), ['error', 'warn', 'info', 'debug'] as const, d.logLevel),
  };
}
