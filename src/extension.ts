/**
 * Composition root: builds the services, registers commands, providers and views, and returns the test
 * API. Everything with logic lives in src/ui, src/editor and src/views; engine work in src/inspector.
 */
import * as vscode from 'vscode';
import { DecorationController } from './editor/decorationController';
import type { DecorationPlan } from './editor/decorationPlan';
import { LiveCodeLensProvider, TimerHoverProvider } from './editor/hoverAndLens';
import { Commands, CONFIG_SECTION, Views } from './shared/contributions';
import type { LensCommand } from './shared/lspProtocol';
import { readSettings, type TimerscopeSettings } from './shared/settings';
import { AttachCommands } from './ui/attachCommands';
import { DebugAutoAttach } from './ui/debugAttach';
import { LanguageServerLink } from './ui/languageServer';
import { LensRefreshLog, type LensRefresh } from './ui/lensRefreshes';
import { LiveView } from './ui/liveView';
import { OutputLog } from './ui/log';
import { SessionManager } from './ui/sessionManager';
import { SnapshotCommands } from './ui/snapshotCommands';
import type { SnapshotHistory } from './ui/snapshotHistory';
import { TimerscopeStatusBar } from './ui/statusBar';
import { TimersTreeProvider } from './ui/timersTree';
import type { TimelineHub } from './views/timelineHub';
import { registerTimelineViews } from './views/timelineViews';

/** What `activate` returns: read by the extension tests (`vscode.extensions.getExtension(…).exports`). */
export type TimerscopeApi = {
  sessions: SessionManager;
  /** The current gutter/hover/lens plan (file → marks). */
  plan(): DecorationPlan;
  snapshots: SnapshotHistory;
  timeline: TimelineHub;
  settings(): TimerscopeSettings;
  /** Milliseconds from the start of `activate()` to its return. */
  activationMs: number;
  /** Every code-lens invalidation the extension caused (newest last, at most 500). */
  lensRefreshes(): LensRefresh[];
};

/** JS/TS documents on disk: where markers, hovers and lenses go. */
const SELECTOR: vscode.DocumentSelector = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'].map(language => ({ scheme: 'file', language }));

let sessionsToClose: SessionManager | undefined;

export function activate(context: vscode.ExtensionContext): TimerscopeApi {
  const started = performance.now();
  const read = () => readSettings(key => vscode.workspace.getConfiguration(CONFIG_SECTION).get(key));
  let settings = read();
  const log = new OutputLog(settings.logLevel);
  const sessions = (sessionsToClose = new SessionManager({ log, refreshMs: () => settings.refreshMs, thresholds: () => settings.thresholds, liveMode: () => settings.liveMode }));
  const decorations = new DecorationController(context.extensionUri);
  const planOf = (): DecorationPlan => view.plan;
  const lensRefreshes = new LensRefreshLog(r => log.debug(`lens refresh from ${r.source}`));
  const lenses = new LiveCodeLensProvider(planOf, doc => lsp.servesDocument(doc), () => settings.codeLens, () => lensRefreshes.record('extension'));
  const lsp = new LanguageServerLink(context, log, () => lenses.refresh(), () => lensRefreshes.record('language-server'));
  const tree = new TimersTreeProvider();
  const treeView = vscode.window.createTreeView(Views.Timers, { treeDataProvider: tree, showCollapseAll: true });
  const status = new TimerscopeStatusBar();
  const timeline = registerTimelineViews(context, m => log.debug(m));
  const badge = (n: number) => (treeView.badge = n ? { value: n, tooltip: `${n} timer site${n === 1 ? '' : 's'} with findings` } : undefined);
  const view = new LiveView({ sessions, settings: () => settings, decorations, lenses, tree, status, timeline, badge });
  const attach = new AttachCommands(sessions, () => settings.allowRemote);
  const snapshots = new SnapshotCommands(sessions, context.storageUri ?? context.globalStorageUri, log);
  const autoAttach = new DebugAutoAttach(sessions, () => settings.autoAttach, () => settings.allowRemote, log);
  view.onPlan = (_plan, all) => lsp.updateLiveSites(all.flatMap(s => s.sites));

  const command = (id: string, fn: (...args: never[]) => unknown) => vscode.commands.registerCommand(id, fn);
  context.subscriptions.push(
    log, decorations, lenses, tree, treeView, status, view, attach, snapshots, autoAttach, lsp,
    { dispose: () => void sessions.detachAll() },
    vscode.languages.registerHoverProvider(SELECTOR, new TimerHoverProvider(planOf)),
    vscode.languages.registerCodeLensProvider(SELECTOR, lenses),
    command(Commands.AttachToProcess, (arg?: number | { pid?: number }) => attach.attachToProcess(arg)),
    command(Commands.AttachToInspector, (arg?: string | { port?: number; host?: string; url?: string }) => attach.attachToInspector(arg)),
    command(Commands.RunCurrentFile, (uri?: unknown) => attach.runCurrentFile(asUri(uri))),
    command(Commands.Detach, (arg?: string | { id?: string }) => attach.detach(typeof arg === 'string' ? arg : arg?.id)),
    command(Commands.TakeSnapshot, (arg?: { id?: string }) => snapshots.takeSnapshot(arg?.id).then(s => s && { seq: s.seq, file: s.file })),
    command(Commands.CompareSnapshots, () => snapshots.compareWithPrevious()),
    command(Commands.ExportSnapshot, (uri?: unknown) => snapshots.exportSnapshot(asUri(uri))),
    command(Commands.ShowOutput, () => log.channel.show()),
    command(Commands.RevealSite, (loc: { file: string; line: number; column: number }) => revealSite(loc)),
    command(Commands.RevealInTimeline, async (args: LensCommand.Args) => {
      const file = vscode.Uri.parse(args.uri).fsPath;
      view.followProcessOf(file, args.line);
      await vscode.commands.executeCommand(`${Views.Timeline}.focus`);
      timeline.focusSite({ file, line: args.line, column: args.column });
    }),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (!e.affectsConfiguration(CONFIG_SECTION)) return;
      settings = read();
      log.level = settings.logLevel;
      sessions.settingsChanged(settings.refreshMs);
      view.recompute();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => log.info('workspace trusted: attaching is enabled')),
  );
  view.recompute();

  const activationMs = performance.now() - started;
  log.debug(`activated in ${activationMs.toFixed(1)} ms`);
  return { sessions, plan: planOf, snapshots: snapshots.history, timeline, settings: () => settings, activationMs, lensRefreshes: () => lensRefreshes.list() };
}

/** A command's file argument: a Uri (menus), a path or `file:` URI string, or a Uri's JSON (executeCommand from tests). */
function asUri(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) return /^[a-z][a-z0-9+.-]+:/i.test(arg) && !/^[a-z]:[\\/]/i.test(arg) ? vscode.Uri.parse(arg) : vscode.Uri.file(arg);
  const o = arg as { scheme?: unknown; path?: unknown } | undefined;
  if (o && typeof o.scheme === 'string' && typeof o.path === 'string') return vscode.Uri.from({ scheme: o.scheme, path: o.path });
  return undefined;
}

/** Opens a site (tree item, hover link) with the cursor on it. */
async function revealSite(loc: { file: string; line: number; column: number }): Promise<void> {
  const pos = new vscode.Position(Math.max(0, loc.line - 1), Math.max(0, loc.column - 1));
  try {
    await vscode.window.showTextDocument(vscode.Uri.file(loc.file), { selection: new vscode.Range(pos, pos), preserveFocus: false });
  } catch (err) {
    void vscode.window.showWarningMessage(`Timerscope: cannot open ${loc.file}: ${(err as Error).message}`);
  }
}

export async function deactivate(): Promise<void> {
  // Detach cleanly (a launched program is stopped; attached ones keep running).
  await sessionsToClose?.detachAll();
  sessionsToClose = undefined;
}
