/**
 * The extension-host side of the Timerscope language server (dist/server.js): a vscode-languageclient
 * LanguageClient over IPC for JavaScript, TypeScript, JSX and TSX documents, plus the live-numbers bridge
 * that merges the attached process's numbers into the server's code lenses. The composition root
 * (src/extension.ts) calls {@link startLanguageClient} once and keeps the returned handle.
 */
import * as vscode from 'vscode';
import {
  LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import type { SiteView } from '../editor/siteView';
import { CONFIG_SECTION } from '../shared/contributions';
import { CallSitesRequest, LiveSitesNotification } from '../shared/lspProtocol';
import { LiveSitesBridge } from './liveSites';

/** Documents the server analyses: on disk and unsaved, in all four JavaScript/TypeScript flavours. */
export const DOCUMENT_SELECTOR: { scheme: string; language: string }[] = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact']
  .flatMap(language => [{ scheme: 'file', language }, { scheme: 'untitled', language }]);

export type LanguageClientStartOptions = {
  /** Where the client logs (defaults to its own "Timerscope Language Server" channel). */
  outputChannel?: vscode.LogOutputChannel;
  /** Path of the server bundle (defaults to the extension's dist/server.js). */
  serverModule?: string;
};

/** What the extension holds on to. */
export type TimerscopeLanguageClient = vscode.Disposable & {
  readonly client: LanguageClient;
  /** True while the server runs and shows lenses for `doc`: the extension's own live lens provider stands aside. */
  servesDocument(doc: vscode.TextDocument): boolean;
  /** The static timer call sites of a file (open buffer, or read from disk), to match runtime sites to lines. */
  callSites(uri: vscode.Uri): Promise<CallSitesRequest.Result>;
  /**
   * Live-numbers bridge: the extension's current sites of all attached processes in the files `shown`
   * (sent only when a lens would read differently). True when sent: the server then refreshes its lenses.
   */
  updateLiveSites(sites: readonly SiteView[], shown?: (file: string) => boolean): boolean;
  /** On detach: lenses go back to the static facts. */
  clearLiveSites(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
};

/**
 * Start the language server for the extension. The server runs in its own Node process (never on the
 * extension host's thread); settings under `timerscope` reach it through `workspace/configuration`
 * (and a didChangeConfiguration nudge when they change). Rejects when the server cannot start.
 */
export async function startLanguageClient(
  context: vscode.ExtensionContext,
  options: LanguageClientStartOptions = {},
): Promise<TimerscopeLanguageClient> {
  const module = options.serverModule ?? context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    // `Attach to Server` in launch.json connects to 6009.
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: CONFIG_SECTION },
    outputChannel: options.outputChannel,
    outputChannelName: 'Timerscope Language Server',
  };
  const client = new LanguageClient('timerscope', 'Timerscope Language Server', serverOptions, clientOptions);
  const bridge = new LiveSitesBridge(p => client.sendNotification(LiveSitesNotification.type, p));
  // A restarted server has no live data: send the current numbers again on the next update.
  const stateListener = client.onDidChangeState(e => { if (e.newState === State.Running) bridge.reset(); });

  const handle: TimerscopeLanguageClient = {
    client,
    servesDocument: doc => client.state === State.Running && vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0,
    callSites: uri => client.sendRequest(CallSitesRequest.type, { uri: uri.toString() }),
    updateLiveSites: (sites, shown) => client.state === State.Running && bridge.update(sites, shown),
    clearLiveSites: () => client.state === State.Running && bridge.clear(),
    start: () => client.start(),
    stop: () => (client.state === State.Stopped ? Promise.resolve() : client.stop()),
    dispose: () => {
      stateListener.dispose();
      void handle.stop();
    },
  };
  context.subscriptions.push(handle);
  await client.start();
  return handle;
}
