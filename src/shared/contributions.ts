/**
 * Ids of everything the extension contributes in package.json (commands, views, settings, context keys,
 * colours), mirrored here so that code never spells them twice. test/unit/extension/manifest.test.ts
 * checks that package.json and these tables agree.
 */

/** Command ids (`contributes.commands`). */
export enum Commands {
  AttachToProcess = 'timerscope.attachToProcess',
  AttachToInspector = 'timerscope.attachToInspector',
  RunCurrentFile = 'timerscope.runCurrentFile',
  Detach = 'timerscope.detach',
  TakeSnapshot = 'timerscope.takeSnapshot',
  CompareSnapshots = 'timerscope.compareWithPreviousSnapshot',
  ExportSnapshot = 'timerscope.exportSnapshot',
  ShowTimeline = 'timerscope.showTimeline',
  OpenRecording = 'timerscope.openRecording',
  ShowOutput = 'timerscope.showOutput',
  /** Clicked on a code lens; argument {@link import('./lspProtocol').LensCommand.Args}. */
  RevealInTimeline = 'timerscope.revealInTimeline',
  /** Tree item → editor; argument `{ file, line, column }`. */
  RevealSite = 'timerscope.revealSite',
}

/** Every command that appears in the command palette (the rest are internal). */
export const PALETTE_COMMANDS: readonly string[] = [
  Commands.AttachToProcess,
  Commands.AttachToInspector,
  Commands.RunCurrentFile,
  Commands.Detach,
  Commands.TakeSnapshot,
  Commands.CompareSnapshots,
  Commands.ExportSnapshot,
  Commands.ShowTimeline,
  Commands.OpenRecording,
  Commands.ShowOutput,
];

/** Views and their container (`contributes.viewsContainers`, `contributes.views`). */
export enum Views {
  Container = 'timerscope',
  /** The bottom-panel container of the timeline webview. */
  PanelContainer = 'timerscopePanel',
  Timers = 'timerscope.timers',
  Timeline = 'timerscope.timeline',
}

/** Context keys set with `setContext` and used in `when` clauses. */
export enum ContextKeys {
  Attached = 'timerscope.attached',
  HasSnapshot = 'timerscope.hasSnapshot',
}

/** Colour ids (`contributes.colors`): overview ruler and hover accents of each marker kind. */
export enum Colors {
  Leak = 'timerscope.leakForeground',
  Late = 'timerscope.lateForeground',
  Churn = 'timerscope.churnForeground',
  Healthy = 'timerscope.healthyForeground',
}

/** Setting keys, without the `timerscope.` section. */
export enum Settings {
  AutoAttach = 'autoAttach',
  AllowRemote = 'allowRemote',
  LateMs = 'thresholds.lateMs',
  CallbackMs = 'thresholds.callbackMs',
  LeakLive = 'thresholds.leakLive',
  ChurnPerSecond = 'thresholds.churnPerSecond',
  UserCodeExclude = 'userCode.exclude',
  ShowInternal = 'userCode.showInternal',
  RefreshMs = 'refreshIntervalMs',
  TimelineWindowSeconds = 'timeline.windowSeconds',
  CodeLens = 'codeLens.enabled',
  /** Per-rule severities of the language server; read by the server itself (src/server/settings.ts). */
  Rules = 'rules',
  Decorations = 'decorations.enabled',
  LiveMode = 'liveMode.enabled',
  LogLevel = 'logLevel',
}

export const CONFIG_SECTION = 'timerscope';
