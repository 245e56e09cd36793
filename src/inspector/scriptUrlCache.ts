/**
 * Script URLs of a process remembered between separate connections (one `timerscope snapshot` each).
 *
 * Learning script URLs means enabling the Debugger domain, and V8's `Debugger.enable` walks the whole heap
 * (it collects source positions for every function): a one-time stall of ~30 ms at a 50 MB heap and
 * 100-300 ms at 500 MB (bench/snapshot.ts). Script ids never change or get reused within a process, so
 * a later snapshot of the same process that needs only scripts seen before can skip the Debugger entirely.
 * Keyed by pid and the process's start time (`performance.timeOrigin`), so a reused pid never matches.
 */
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { urlToPath, type ScriptInfo } from './sourceResolver';

export type ScriptUrlCache = {
  load(key: string): Promise<ScriptInfo[]>;
  save(key: string, scripts: ScriptInfo[]): Promise<void>;
};

/** Entries older than this are removed when another one is written. */
const MAX_AGE_MS = 24 * 3600_000;

export function defaultScriptCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache'), 'timerscope', 'script-urls');
}

/**
 * The scripts worth remembering: Node's own (only their URL is ever needed) and files on disk whose source
 * the resolver reads from disk anyway; not eval'd, generated or vanished code (its source needs the
 * Debugger) and not scripts with a large inline source map.
 */
export async function cacheableScripts(scripts: (ScriptInfo | undefined)[]): Promise<ScriptInfo[]> {
  const onDisk = async (s: ScriptInfo) => {
    const file = urlToPath(s.url);
    return !!file && (await fs.access(file).then(() => true, () => false));
  };
  const out: ScriptInfo[] = [];
  for (const s of scripts) {
    if (s && (s.sourceMapURL ?? '').length < 4096 && (s.url.startsWith('node:') || (await onDisk(s)))) out.push(s);
  }
  return out;
}

/** A cache in one small JSON file per process, under `dir`. Failures only cost the Debugger round. */
export function fileScriptUrlCache(dir = defaultScriptCacheDir()): ScriptUrlCache {
  const file = (key: string) => path.join(dir, `${key.replace(/[^\w.-]/g, '_')}.json`);
  return {
    async load(key) {
      try {
        const scripts = JSON.parse(await fs.readFile(file(key), 'utf8')) as ScriptInfo[];
        return Array.isArray(scripts) ? scripts.filter(s => typeof s?.scriptId === 'string' && typeof s.url === 'string') : [];
      } catch {
        return [];
      }
    },
    async save(key, scripts) {
      try {
        await fs.mkdir(dir, { recursive: true, mode: 0o700 });
        const known = await this.load(key);
        const merged = new Map([...known, ...scripts].map(s => [s.scriptId, s]));
        await fs.writeFile(file(key), JSON.stringify([...merged.values()]), { mode: 0o600 });
        const now = Date.now();
        for (const name of await fs.readdir(dir)) {
          const p = path.join(dir, name);
          const st = await fs.stat(p).catch(() => undefined);
          if (st && now - st.mtimeMs > MAX_AGE_MS) await fs.rm(p, { force: true });
        }
      } catch {
        /* a read-only home: the next snapshot enables the Debugger again */
      }
    },
  };
}
