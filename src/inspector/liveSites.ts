/**
 * Turns the agent's call sites into source positions on the host side (the agent never resolves
 * anything): a sampled stack frame goes through the script's source map; a site known only by its
 * callback gets the callback's `[[FunctionLocation]]`, and from it the `setTimeout`/`setInterval` call
 * that passes that callback (static inference, as for snapshots), else the callback itself.
 * Script URLs need the Debugger domain for a moment; it is turned on only when a site needs a script we
 * have not seen, at most every few seconds.
 */
import type CDP from 'chrome-remote-interface';
import { AGENT_GLOBAL, type AgentSite } from '../shared/agentProtocol';
import type { ResolvedSite } from '../model/liveModel';
import { indexScript, inferCreationSite, type ScriptIndex } from './creationSite';
import { functionLocation, type FunctionLocation } from './remoteObjects';
import { SourceResolver, urlToPath, type ResolvedPosition } from './sourceResolver';

const GROUP = 'timerscope-sites';
/** Minimum time between two Debugger enable/disable rounds for new scripts. */
const RECOLLECT_MS = 3000;

export class LiveSiteResolver {
  private readonly known = new Set<string>();
  private readonly asked = new Set<string>();
  private collected = 0;
  private collecting: Promise<void> | undefined;
  private readonly indexes = new Map<string, Promise<ScriptIndex | undefined>>();

  private readonly onParsed = (e: { url: string }) => {
    if (e.url) this.known.add(urlToPath(e.url) ?? e.url);
  };
  private readonly off: () => void;

  constructor(
    private readonly client: CDP.Client,
    readonly resolver: SourceResolver,
  ) {
    // Remember every script URL V8 reports (during our own short Debugger rounds, or anyone else's).
    // A connection's client is an EventEmitter; a worker's session client returns its own unsubscribe.
    const c = client as unknown as { on(e: string, h: (p: { url: string }) => void): unknown; removeListener?(e: string, h: unknown): void };
    const r = c.on('Debugger.scriptParsed', this.onParsed);
    this.off = typeof r === 'function' ? (r as () => void) : () => c.removeListener?.('Debugger.scriptParsed', this.onParsed);
  }

  /** The session ended: stop listening (a connection outlives many sessions: attach, detach, attach…). */
  dispose(): void {
    this.off();
  }

  /**
   * Learns the scripts loaded so far before the agent starts measuring: the Debugger round stalls the
   * target for a moment, which would otherwise show up as lateness of every timer.
   */
  prime(): Promise<void> {
    return this.ensureScripts(true);
  }

  /** Script URLs (or paths) learnt by someone else's Debugger round just now. */
  seed(urls: Iterable<string>): void {
    for (const u of urls) this.known.add(urlToPath(u) ?? u);
    this.collected = Date.now();
  }

  /** `force`: a script id we have never seen is certainly new (file names may stay unknown forever). */
  private async ensureScripts(need: boolean, force = false): Promise<void> {
    if (!need) return;
    if (this.collecting) await this.collecting;
    if (!force && this.collected && Date.now() - this.collected < RECOLLECT_MS) return;
    this.collecting = this.resolver
      .collectScripts()
      .catch(() => undefined)
      .finally(() => {
        this.collected = Date.now();
        this.collecting = undefined;
      });
    return this.collecting;
  }

  private isKnown(file: string): boolean {
    return this.known.has(urlToPath(file) ?? file);
  }

  private indexOf(scriptId: string) {
    let p = this.indexes.get(scriptId);
    if (!p) this.indexes.set(scriptId, (p = this.resolver.sourceOf(scriptId).then(t => (t ? indexScript(t) : undefined))));
    return p;
  }

  private async callbackLocation(id: number): Promise<FunctionLocation | null> {
    const r = await this.client.Runtime.evaluate({ expression: `globalThis.${AGENT_GLOBAL}.siteCallback(${id})`, objectGroup: GROUP, silent: true });
    const objectId = r.exceptionDetails ? undefined : r.result.objectId;
    return objectId && r.result.type === 'function' ? functionLocation(this.client, objectId) : null;
  }

  private async byCallback(s: AgentSite): Promise<{ pos: ResolvedPosition | null; callback: ResolvedPosition | null }> {
    const loc = await this.callbackLocation(s.id);
    if (!loc) return { pos: null, callback: null };
    const unseen = !this.resolver.scriptUrl(loc.scriptId) && !this.asked.has(loc.scriptId);
    this.asked.add(loc.scriptId);
    await this.ensureScripts(unseen, true);
    const callback = await this.resolver.resolve(loc.scriptId, loc.line0, loc.column0);
    const url = this.resolver.scriptUrl(loc.scriptId) ?? '';
    const index = url && !url.startsWith('node:') ? await this.indexOf(loc.scriptId) : undefined;
    const call = index && inferCreationSite(index, loc.line0 + 1, loc.column0 + 1, s.kind);
    const pos = call ? await this.resolver.resolve(loc.scriptId, call.line - 1, call.column - 1) : callback;
    return { pos, callback };
  }

  /** Resolves a batch's new sites (in order). */
  async resolve(sites: AgentSite[]): Promise<ResolvedSite[]> {
    // A file never seen is a script loaded since the last round (a module required later): learn it now.
    // One that stays unknown after being asked for (not a script V8 reports) is not asked for again.
    const unseen = sites.filter(s => s.file && !s.nodeInternal && !this.isKnown(s.file) && !this.asked.has(s.file));
    for (const s of unseen) this.asked.add(s.file!);
    await this.ensureScripts(unseen.length > 0, true);
    const out: ResolvedSite[] = [];
    for (const s of sites) {
      let pos: ResolvedPosition | null = null;
      try {
        if (s.file) pos = await this.resolver.resolveUrl(s.file, s.line ?? 0, s.column ?? 0);
        else if (s.byCallback) pos = (await this.byCallback(s)).pos;
      } catch (err) {
        // One unresolvable site must not lose the others: it is kept without a position.
        if (process.env.TIMERSCOPE_DEBUG) console.error('timerscope: site resolution failed:', err);
      }
      const internal = Boolean(s.nodeInternal || s.byNodeApi) || pos?.origin === 'node';
      out.push({
        agentId: s.id,
        kind: s.kind,
        location: pos ? { ...pos.location, file: pos.absoluteFile } : null,
        ...(pos?.generated ? { generated: pos.generated } : {}),
        ...(s.callbackName ? { callbackName: s.callbackName } : {}),
        delayMs: s.delayMs,
        ...(internal ? { internal: true } : {}),
      });
    }
    await this.client.Runtime.releaseObjectGroup({ objectGroup: GROUP }).catch(() => undefined);
    return out;
  }
}
