import type { Connection } from 'vscode-languageserver';
import { levelsFrom, type RuleLevels } from './analysis/rules';

/** Server settings, read from the `timerscope` configuration section. */
export type ServerSettings = { levels: RuleLevels; codeLens: boolean };

/** Normalise a raw `timerscope` section (missing/invalid values fall back to defaults). */
export function settingsFrom(raw: unknown): ServerSettings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as { rules?: unknown; codeLens?: { enabled?: unknown } };
  return { levels: levelsFrom(r.rules), codeLens: r.codeLens?.enabled !== false };
}

/**
 * Per-resource settings cache (the lsp-sample pattern): pulled with `workspace/configuration` when the
 * client supports it, otherwise (or when the client has no such section) taken from
 * `didChangeConfiguration` pushes or initializationOptions.
 */
export class DocumentSettings {
  private readonly cache = new Map<string, Promise<ServerSettings>>();
  private global: ServerSettings;

  constructor(private readonly connection: Connection, private readonly pull: boolean, initial: unknown) {
    this.global = settingsFrom(initial);
  }

  /** Settings for a document. */
  get(uri: string): Promise<ServerSettings> {
    if (!this.pull) return Promise.resolve(this.global);
    let p = this.cache.get(uri);
    if (!p) {
      // A client with no `timerscope` section (null) keeps what initializationOptions or a push gave.
      p = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'timerscope' })
        .then(v => (v === null || v === undefined ? this.global : settingsFrom(v)), () => this.global);
      this.cache.set(uri, p);
    }
    return p;
  }

  /** didChangeConfiguration: drop the cache (pull mode) or take the pushed settings. */
  changed(pushed: unknown): void {
    this.cache.clear();
    const section = (pushed as { timerscope?: unknown } | undefined)?.timerscope;
    if (section !== undefined) this.global = settingsFrom(section);
  }

  /** didClose. */
  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
