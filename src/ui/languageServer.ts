/**
 * Starts the Timerscope language server lazily: when the first JavaScript/TypeScript document is open
 * (activation itself stays cheap: vscode-languageclient and the server process come later). Feeds it the
 * live numbers so that its lens on a timer call shows static facts and live numbers in one line; while it
 * serves a document the extension's own live lens provider stands aside.
 */
import * as vscode from 'vscode';
import type { TimerscopeLanguageClient } from '../client/languageClient';
import type { SiteView } from '../editor/siteView';
import type { Logger } from './processSession';
import { LENS_REFRESH_MS } from './lensRefreshes';
import { Throttle } from './throttle';

const LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'];

export class LanguageServerLink implements vscode.Disposable {
  private client?: TimerscopeLanguageClient;
  private starting?: Promise<void>;
  private sites: readonly SiteView[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /**
   * Each notification that changes a lens makes the server ask the editor to re-fetch every lens (VS Code
   * cancels a request in flight): at most every LENS_REFRESH_MS, with the numbers of visible files only.
   */
  private readonly throttle = new Throttle(() => this.send(), LENS_REFRESH_MS);

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Logger,
    /** Called when the server starts or stops serving documents (lens providers swap). */
    private readonly onServingChanged: () => void,
    /** Told of each notification that makes the server refresh its lenses. */
    private readonly onLensRefresh: () => void = () => undefined,
  ) {
    // A file coming into view gets its live numbers (files out of view are not sent).
    this.disposables.push(vscode.window.onDidChangeVisibleTextEditors(() => this.throttle.request()));
    const wanted = (d: vscode.TextDocument) => LANGUAGES.includes(d.languageId) && (d.uri.scheme === 'file' || d.uri.scheme === 'untitled');
    if (vscode.workspace.textDocuments.some(wanted)) this.start();
    else {
      const sub = vscode.workspace.onDidOpenTextDocument(d => {
        if (!wanted(d)) return;
        sub.dispose();
        this.start();
      });
      this.disposables.push(sub);
    }
  }

  private start(): void {
    this.starting ??= (async () => {
      const t0 = Date.now();
      try {
        const { startLanguageClient } = await import('../client/languageClient.js');
        const client = await startLanguageClient(this.context);
        this.client = client;
        this.disposables.push(client.client.onDidChangeState(() => this.onServingChanged()));
        this.log.info(`language server started in ${Date.now() - t0} ms`);
        this.send();
        this.onServingChanged();
      } catch (err) {
        this.log.warn(`language server unavailable (live lenses come from the extension): ${(err as Error).message}`);
      }
    })();
  }

  servesDocument(doc: vscode.TextDocument): boolean {
    return this.client?.servesDocument(doc) ?? false;
  }

  /** The sites of every attached process (an empty list on detach: lenses go back to static facts). */
  updateLiveSites(sites: readonly SiteView[]): void {
    this.sites = sites;
    // Detach (no sites) goes out at once, so lenses lose their live numbers with the markers.
    if (sites.length === 0) this.throttle.run();
    else this.throttle.request();
  }

  private send(): void {
    const visible = new Set(vscode.window.visibleTextEditors.map(e => e.document.uri.fsPath));
    if (this.client?.updateLiveSites(this.sites, f => visible.has(f))) this.onLensRefresh();
  }

  dispose(): void {
    this.throttle.cancel();
    for (const d of this.disposables) d.dispose();
    this.client?.dispose();
  }
}
