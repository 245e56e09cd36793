/**
 * A minimal LSP client for the tests: spawns the real bundled server (`node dist/server.js --stdio`) and
 * talks JSON-RPC to it over its stdin/stdout with vscode-languageserver-protocol, the way an editor does.
 * Every wait is for a message from the server (with a deadline), never a fixed sleep.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest, CodeLensRefreshRequest, CodeLensRequest, ConfigurationRequest, createProtocolConnection,
  DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification, ExitNotification, InitializedNotification, InitializeRequest, IPCMessageReader, IPCMessageWriter,
  PublishDiagnosticsNotification, RegistrationRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
  type ClientCapabilities, type CodeAction, type CodeLens, type ConfigurationItem, type Diagnostic,
  type InitializeResult, type ProtocolConnection, type PublishDiagnosticsParams, type Range,
  type TextDocumentContentChangeEvent, type TextEdit,
} from 'vscode-languageserver-protocol/node';

export const ROOT = join(__dirname, '..', '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.js');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'lsp');

export type ClientOptions = {
  initializationOptions?: unknown;
  /** Answer `workspace/configuration` (and advertise the capability) with this function. */
  configuration?: (item: ConfigurationItem) => unknown;
  /** Advertise `workspace.codeLens.refreshSupport` (default true). */
  refreshSupport?: boolean;
  /** Node arguments that start the server (default: dist/server.js --stdio). */
  args?: string[];
  /** `ipc`: fork dist/server.js --node-ipc and talk over Node's IPC channel, as vscode-languageclient does. */
  transport?: 'stdio' | 'ipc';
};

const DEADLINE_MS = 20_000;

/** LSP language id for a file name, as VS Code assigns it. */
export function languageIdOf(file: string): string {
  if (/\.[cm]?tsx$/.test(file)) return 'typescriptreact';
  if (/\.jsx$/.test(file)) return 'javascriptreact';
  if (/\.[cm]?ts$/.test(file)) return 'typescript';
  return 'javascript';
}

/** Resolves when `check` returns a value (re-checked on every message from the server), or rejects at the deadline. */
function waitUntil<T>(subscribe: (wake: () => void) => () => void, check: () => T | undefined, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const first = check();
    if (first !== undefined) return resolve(first);
    const timer = setTimeout(() => { stop(); reject(new Error(`timed out waiting for ${what}`)); }, DEADLINE_MS);
    const stop = subscribe(() => {
      const v = check();
      if (v === undefined) return;
      clearTimeout(timer);
      stop();
      resolve(v);
    });
  });
}

export class LspClient {
  /** Every publishDiagnostics received, per URI, oldest first. */
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  /** Number of `workspace/codeLens/refresh` requests received. */
  refreshes = 0;
  /** Number of `workspace/configuration` requests received. */
  configurationPulls = 0;
  readonly stderr: string[] = [];
  private readonly listeners = new Set<() => void>();
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();

  private constructor(readonly proc: ChildProcess, readonly conn: ProtocolConnection, readonly init: InitializeResult) {}

  /** Spawn the server over stdio and run initialize/initialized. */
  static async start(opts: ClientOptions = {}): Promise<LspClient> {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run build\` first`);
    const ipc = opts.transport === 'ipc';
    const proc = ipc
      ? fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] })
      : spawn(process.execPath, opts.args ?? [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = ipc
      ? createProtocolConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc))
      : createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    let client: LspClient | undefined;
    const stderr: string[] = [];
    proc.stderr!.on('data', (b: Buffer) => stderr.push(b.toString()));
    conn.onNotification(PublishDiagnosticsNotification.type, p => {
      if (!client) return;
      client.published.set(p.uri, [...(client.published.get(p.uri) ?? []), p]);
      client.wake();
    });
    conn.onRequest(CodeLensRefreshRequest.type, () => {
      if (client) { client.refreshes++; client.wake(); }
    });
    conn.onRequest(ConfigurationRequest.type, p => {
      if (client) { client.configurationPulls++; client.wake(); }
      return p.items.map(item => opts.configuration?.(item) ?? null);
    });
    conn.onRequest(RegistrationRequest.type, () => undefined);
    conn.listen();
    const capabilities: ClientCapabilities = {
      workspace: {
        configuration: !!opts.configuration,
        codeLens: { refreshSupport: opts.refreshSupport ?? true },
        didChangeConfiguration: { dynamicRegistration: true },
      },
      textDocument: {
        publishDiagnostics: { versionSupport: true },
        synchronization: { dynamicRegistration: false },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
      },
    };
    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: pathToFileURL(FIXTURES).href, capabilities,
      initializationOptions: opts.initializationOptions, workspaceFolders: null,
    });
    await conn.sendNotification(InitializedNotification.type, {});
    client = new LspClient(proc, conn, init);
    client.stderr.push(...stderr);
    proc.stderr!.on('data', (b: Buffer) => client!.stderr.push(b.toString()));
    return client;
  }

  private wake(): void {
    for (const l of [...this.listeners]) l();
  }

  private subscribe = (wake: () => void): (() => void) => {
    this.listeners.add(wake);
    return () => this.listeners.delete(wake);
  };

  /** didOpen a fixture (path relative to test/fixtures/lsp) or any text under a URI; returns the URI. */
  async openFixture(rel: string): Promise<{ uri: string; text: string }> {
    const path = join(FIXTURES, rel);
    const text = readFileSync(path, 'utf8');
    const uri = pathToFileURL(path).href;
    await this.open(uri, text);
    return { uri, text };
  }

  async open(uri: string, text: string, languageId = languageIdOf(uri)): Promise<void> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    this.published.delete(uri); // versions restart at 1: forget what an earlier open of this URI published
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  /** didChange with the given (ranged or full) changes; returns the new version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    let text = this.texts.get(uri) ?? '';
    for (const c of changes) text = 'range' in c ? applyEdits(text, [{ range: c.range, newText: c.text }]) : c.text;
    this.texts.set(uri, text);
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  /** The client's copy of a document's text (after the changes it sent). */
  text(uri: string): string {
    return this.texts.get(uri) ?? '';
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** Diagnostics published for the document's current version (waits for them). */
  diagnostics(uri: string, version = this.version(uri)): Promise<Diagnostic[]> {
    return waitUntil(this.subscribe, () => this.published.get(uri)?.find(p => p.version === version)?.diagnostics,
      `diagnostics of ${uri} v${version}`);
  }

  /** Waits until the server has sent `n` publishDiagnostics for a URI (any version). */
  publishCount(uri: string, n: number): Promise<PublishDiagnosticsParams> {
    return waitUntil(this.subscribe, () => {
      const l = this.published.get(uri);
      return l && l.length >= n ? l[l.length - 1] : undefined;
    }, `${n} publishDiagnostics of ${uri}`);
  }

  /** Waits until at least `n` codeLens refresh requests arrived. */
  waitRefreshes(n: number): Promise<number> {
    return waitUntil(this.subscribe, () => (this.refreshes >= n ? this.refreshes : undefined), `${n} codeLens refreshes`);
  }

  /** Waits until at least `n` configuration pulls arrived. */
  waitConfigurationPulls(n: number): Promise<number> {
    return waitUntil(this.subscribe, () => (this.configurationPulls >= n ? this.configurationPulls : undefined), `${n} configuration pulls`);
  }

  async codeLenses(uri: string): Promise<CodeLens[]> {
    return (await this.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const r = await this.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } });
    return (r ?? []).filter((x): x is CodeAction => 'title' in x && !('command' in x && typeof x.command === 'string'));
  }

  async changeConfiguration(settings: unknown): Promise<void> {
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  /** shutdown + exit; resolves with the server's exit code. */
  async shutdown(): Promise<number | null> {
    const exited = new Promise<number | null>(resolve => {
      if (this.proc.exitCode !== null) resolve(this.proc.exitCode);
      else this.proc.once('exit', code => resolve(code));
    });
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    const code = await Promise.race([exited, new Promise<'timeout'>(r => setTimeout(r, DEADLINE_MS, 'timeout').unref())]);
    this.conn.dispose();
    if (code === 'timeout') {
      this.proc.kill();
      throw new Error('server did not exit after shutdown/exit');
    }
    return code;
  }

  /** Last-resort cleanup for a failed test. */
  kill(): void {
    this.conn.dispose();
    if (this.proc.exitCode === null) this.proc.kill();
  }
}

/** Offset of an LSP position in `text` (UTF-16 code units, like the protocol). */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let off = 0;
  for (let l = 0; l < pos.line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return off + pos.character;
}

/** Apply non-overlapping LSP text edits (all relative to `text`), as an editor applies a WorkspaceEdit. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const abs = edits.map(e => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText }));
  abs.sort((a, b) => b.start - a.start || b.end - a.end);
  for (const e of abs) text = text.slice(0, e.start) + e.newText + text.slice(e.end);
  return text;
}

/** `// expect: rule-a, rule-b` markers → sorted `line:rule` strings (1-based lines). */
export function expectedMarkers(text: string): string[] {
  return text.split('\n').flatMap((l, i) => {
    const m = /expect: ([\w-]+(?:,\s*[\w-]+)*)/.exec(l);
    return m ? m[1].split(/,\s*/).map(r => `${i + 1}:${r}`) : [];
  }).sort();
}

/** Diagnostics → sorted `line:rule` strings (1-based lines). */
export function lineRules(ds: readonly Diagnostic[]): string[] {
  return ds.map(d => `${d.range.start.line + 1}:${String(d.code)}`).sort();
}
