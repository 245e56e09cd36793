/**
 * Pure: the live-numbers bridge between the extension's live model and the language server. The
 * extension hands over its current sites (the same SiteView list the tree and markers read); the
 * bridge turns them into one `timerscope/liveSites` notification per change, so the server's lens on a
 * timer call shows the static facts and the live numbers in one line (no second lens).
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SiteView } from '../editor/siteView';
import { liveText } from '../shared/liveText';
import type { LiveSiteNumbers, LiveSitesNotification } from '../shared/lspProtocol';

/** The numbers of one site, in the protocol's shape (undefined fields left out). */
function numbersOf(s: SiteView): LiveSiteNumbers {
  const n: LiveSiteNumbers = { line: s.line, column: s.column, kind: s.kind, live: s.live };
  const optional = {
    refed: s.refed, created: s.created, cleared: s.cleared, fired: s.fired, growing: s.growing || undefined,
    latenessP99Ms: s.latenessP99Ms, callbackP99Ms: s.callbackP99Ms, overlaps: s.overlaps,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (n as Record<string, unknown>)[k] = v;
  return n;
}

/**
 * A full snapshot of live numbers per file (`replace: true`): sites in user files with an absolute path
 * only; Node-internal sites (`node:timers`, dependencies marked internal) have no editor line to annotate.
 */
export function liveSitesParams(sites: readonly SiteView[], shown: (file: string) => boolean = () => true): LiveSitesNotification.Params {
  const byUri = new Map<string, LiveSiteNumbers[]>();
  for (const s of sites) {
    if (s.internal || !path.isAbsolute(s.file) || s.line < 1 || !shown(s.file)) continue;
    const uri = pathToFileURL(s.file).href;
    const list = byUri.get(uri) ?? [];
    list.push(numbersOf(s));
    byUri.set(uri, list);
  }
  const files = [...byUri].sort(([a], [b]) => a.localeCompare(b)).map(([uri, list]) => ({
    uri, sites: list.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0)),
  }));
  return { files, replace: true };
}

/**
 * What the lenses of a notification read: per file and site the live text only. Numbers no lens shows
 * (created, cleared, overlaps) change all the time and must not make the editor re-fetch lenses.
 */
export function lensSignature(p: LiveSitesNotification.Params): string {
  return JSON.stringify(p.files.map(f => [f.uri, f.sites.map(s => [s.line, s.column, s.kind, liveText(s)])]));
}

/**
 * Sends live numbers to the server only when a lens would read differently: each notification that
 * changes the server's data makes it send `workspace/codeLens/refresh`, and VS Code then cancels the lens
 * request in flight and starts its debounce again (too many of them and no lens is ever drawn).
 */
export class LiveSitesBridge {
  private last = '';

  constructor(private readonly send: (p: LiveSitesNotification.Params) => void | Promise<void>) {}

  /** The extension's current live sites (all attached processes); `shown` limits them to files in view. */
  update(sites: readonly SiteView[], shown?: (file: string) => boolean): boolean {
    return this.sendIfChanged(liveSitesParams(sites, shown));
  }

  /** Detach: lenses go back to the static facts. */
  clear(): boolean {
    return this.sendIfChanged({ files: [], replace: true });
  }

  /** Forget what was sent (the server restarted and lost its state). */
  reset(): void {
    this.last = '';
  }

  /** True when a notification went out (the server will refresh its lenses). */
  private sendIfChanged(p: LiveSitesNotification.Params): boolean {
    const text = lensSignature(p);
    if (text === this.last) return false;
    if (!this.last && !p.files.length) return false; // nothing was ever sent: nothing to clear
    this.last = text;
    void Promise.resolve(this.send(p)).catch(() => { this.last = ''; });
    return true;
  }
}
