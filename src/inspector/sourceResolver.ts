/**
 * Script ids → URLs → source maps → original 1-based positions.
 *
 * Script URLs come from `Debugger.scriptParsed`, which V8 replays for every loaded script when the Debugger
 * domain is enabled. The Debugger domain makes promise-heavy code ~10× slower while it is on, so
 * {@link SourceResolver.collectScripts} turns it on only long enough to collect URLs and sources.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type CDP from 'chrome-remote-interface';
import { SourceMapConsumer } from 'source-map-js';
import { isJsDebugProxy, listScriptsInProcess } from './scriptCatalog';
import type { SourcePosition } from '../shared/snapshot';

export type ScriptInfo = { scriptId: string; url: string; sourceMapURL?: string };

export type ResolvedPosition = {
  /** Original position (through the source map when there is one), with a display path. */
  location: SourcePosition;
  /** Generated position when a source map was applied, else null. */
  generated: SourcePosition | null;
  /** Absolute path (or node: URL) of `location.file`, for editors. */
  absoluteFile: string;
  origin: 'user' | 'node' | 'node_modules';
};

/** Turns a script URL into a filesystem path when it is one. */
export function urlToPath(url: string): string | undefined {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  if (path.isAbsolute(url)) return url;
  return undefined;
}

/** Where code comes from: Node's own library, a dependency, or the user's code. */
export function originOf(file: string): 'user' | 'node' | 'node_modules' {
  if (file.startsWith('node:') || (!file.includes('/') && !file.includes('\\') && !file.includes('.'))) return 'node';
  if (/[\\/]node_modules[\\/]/.test(file)) return 'node_modules';
  return 'user';
}

export class SourceResolver {
  private readonly scripts = new Map<string, ScriptInfo>();
  private readonly byPath = new Map<string, ScriptInfo>();
  private readonly sources = new Map<string, Promise<string | undefined>>();
  private readonly maps = new Map<string, Promise<{ consumer: SourceMapConsumer; mapDir: string } | undefined>>();
  private debuggerOn = false;

  constructor(
    private readonly client: CDP.Client,
    /** The target's working directory, for short display paths. */
    public cwd: string | undefined,
  ) {}

  /**
   * Enables the Debugger domain just long enough to learn every script's URL (V8 replays
   * `scriptParsed` before answering `enable`), lets `whileOn` fetch sources, then disables it again.
   */
  async collectScripts(whileOn?: () => Promise<void>): Promise<void> {
    if (isJsDebugProxy(this.client)) return this.collectScriptsViaProxy(whileOn);
    const off = this.client.Debugger.scriptParsed(e => {
      if (e.url) this.remember([{ scriptId: e.scriptId, url: e.url, sourceMapURL: e.sourceMapURL || undefined }]);
    });
    try {
      await this.client.send('Debugger.enable', {});
      this.debuggerOn = true;
      if (whileOn) await whileOn();
    } finally {
      this.debuggerOn = false;
      off();
      await this.client.send('Debugger.disable').catch(() => undefined);
    }
  }

  /**
   * js-debug's CDP proxy shares the debugger's session: never enable/disable its Debugger domain (that
   * would drop the user's breakpoints). Its Debugger is already on, so sources can still be fetched.
   */
  private async collectScriptsViaProxy(whileOn?: () => Promise<void>): Promise<void> {
    this.remember((await listScriptsInProcess(this.client).catch(() => undefined)) ?? []);
    this.debuggerOn = true;
    try {
      if (whileOn) await whileOn();
    } finally {
      this.debuggerOn = false;
    }
  }

  /** Adds scripts learnt elsewhere (the Debugger, a private session, a cache of an earlier connection). */
  remember(scripts: ScriptInfo[]): void {
    for (const info of scripts) {
      this.scripts.set(info.scriptId, info);
      const p = urlToPath(info.url);
      if (p) this.byPath.set(p, info);
    }
  }

  scriptInfo(scriptId: string): ScriptInfo | undefined {
    return this.scripts.get(scriptId);
  }

  scriptUrl(scriptId: string): string | undefined {
    return this.scripts.get(scriptId)?.url;
  }

  /** Short path for display: relative to the target's cwd when inside it. */
  displayPath(file: string): string {
    if (!this.cwd || !path.isAbsolute(file)) return file;
    const rel = path.relative(this.cwd, file);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
  }

  /** The text of a script: from the Debugger while it is on, else from disk. */
  sourceOf(scriptId: string): Promise<string | undefined> {
    let p = this.sources.get(scriptId);
    if (!p) {
      p = this.loadSource(scriptId);
      this.sources.set(scriptId, p);
    }
    return p;
  }

  private async loadSource(scriptId: string): Promise<string | undefined> {
    const info = this.scripts.get(scriptId);
    const file = info && urlToPath(info.url);
    if (file) {
      try {
        return await fs.readFile(file, 'utf8');
      } catch {
        /* not on this machine: ask the target */
      }
    }
    if (!this.debuggerOn) return undefined;
    try {
      const r = await this.client.Debugger.getScriptSource({ scriptId });
      return r.scriptSource;
    } catch {
      return undefined;
    }
  }

  private sourceMapFor(scriptId: string) {
    let p = this.maps.get(scriptId);
    if (!p) {
      p = this.loadSourceMap(scriptId).catch(() => undefined);
      this.maps.set(scriptId, p);
    }
    return p;
  }

  private async loadSourceMap(scriptId: string) {
    const info = this.scripts.get(scriptId);
    if (!info) return undefined;
    const scriptPath = urlToPath(info.url);
    let ref = info.sourceMapURL;
    if (!ref) {
      const text = await this.sourceOf(scriptId);
      ref = text ? /\/\/[#@] sourceMappingURL=(\S+)\s*$/m.exec(text.slice(-4096))?.[1] : undefined;
    }
    if (!ref) return undefined;
    let raw: string;
    let mapDir = scriptPath ? path.dirname(scriptPath) : '';
    if (ref.startsWith('data:')) {
      const comma = ref.indexOf(',');
      const meta = ref.slice(0, comma);
      const body = ref.slice(comma + 1);
      raw = meta.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
    } else {
      const mapPath = ref.startsWith('file://') ? fileURLToPath(ref) : scriptPath ? path.resolve(mapDir, ref) : undefined;
      if (!mapPath) return undefined;
      raw = await fs.readFile(mapPath, 'utf8');
      mapDir = path.dirname(mapPath);
    }
    const json = JSON.parse(raw) as { sourceRoot?: string };
    // Resolve sources ourselves: sourceRoot is relative to the map file.
    if (json.sourceRoot && !/^[a-z]+:/i.test(json.sourceRoot)) mapDir = path.resolve(mapDir, json.sourceRoot);
    delete json.sourceRoot;
    return { consumer: new SourceMapConsumer(json as never), mapDir };
  }

  /** Resolves a 0-based CDP position in a script to its original source position. */
  async resolve(scriptId: string, line0: number, column0: number): Promise<ResolvedPosition | null> {
    const info = this.scripts.get(scriptId);
    if (!info) return null;
    return this.resolveScript(info, line0 + 1, column0 + 1);
  }

  /** Resolves a 1-based position in a script named by URL or path (as in an Error stack). */
  async resolveUrl(url: string, line1: number, column1: number): Promise<ResolvedPosition | null> {
    const p = urlToPath(url);
    const info = (p && this.byPath.get(p)) || [...this.scripts.values()].find(s => s.url === url);
    if (info) return this.resolveScript(info, line1, column1);
    const file = p ?? url;
    return {
      location: { file: this.displayPath(file), line: line1, column: column1 },
      generated: null,
      absoluteFile: file,
      origin: originOf(file),
    };
  }

  private async resolveScript(info: ScriptInfo, line1: number, column1: number): Promise<ResolvedPosition> {
    const generatedFile = urlToPath(info.url) ?? info.url;
    const plain: ResolvedPosition = {
      location: { file: this.displayPath(generatedFile), line: line1, column: column1 },
      generated: null,
      absoluteFile: generatedFile,
      origin: originOf(generatedFile),
    };
    if (plain.origin === 'node') return plain;
    const map = await this.sourceMapFor(info.scriptId);
    if (!map) return plain;
    let pos = map.consumer.originalPositionFor({ line: line1, column: column1 - 1, bias: SourceMapConsumer.GREATEST_LOWER_BOUND });
    if (!pos.source) pos = map.consumer.originalPositionFor({ line: line1, column: column1 - 1, bias: SourceMapConsumer.LEAST_UPPER_BOUND });
    if (!pos.source || pos.line == null) return plain;
    const source = pos.source.startsWith('file://')
      ? fileURLToPath(pos.source)
      : /^[a-z]+:/i.test(pos.source)
        ? pos.source
        : path.resolve(map.mapDir, pos.source);
    return {
      location: { file: this.displayPath(source), line: pos.line, column: (pos.column ?? 0) + 1 },
      generated: plain.location,
      absoluteFile: source,
      origin: originOf(source),
    };
  }
}

