/** Pure: the one-line texts of code lenses and tree items, e.g. `3 live · 1,204 fired · p99 late 18 ms · cb p99 4 ms`. */
import { formatMs, liveText } from '../shared/liveText';
import type { SiteView } from './siteView';

// The number formats and the live part live in src/shared so the language server's lens uses them too.
export { formatCount, formatMs } from '../shared/liveText';

/** `interval 1000 ms`, `timeout 5 s`, `immediate`. */
export function describeKind(s: Pick<SiteView, 'kind' | 'delayMs'>): string {
  if (s.kind === 'immediate' || s.delayMs === undefined) return s.kind;
  return `${s.kind} ${formatMs(s.delayMs)}`;
}

/** Adds up the numbers of several sites on one line (two timers created on the same line). */
export function sumSites(sites: SiteView[]): SiteView {
  if (sites.length === 1) return sites[0];
  const max = (f: (s: SiteView) => number | undefined) => {
    const v = sites.map(f).filter((x): x is number => x !== undefined);
    return v.length ? Math.max(...v) : undefined;
  };
  const sum = (f: (s: SiteView) => number | undefined) => {
    const v = sites.map(f).filter((x): x is number => x !== undefined);
    return v.length ? v.reduce((a, b) => a + b, 0) : undefined;
  };
  return {
    ...sites[0],
    live: sum(s => s.live) ?? 0,
    refed: sum(s => s.refed),
    fired: sum(s => s.fired),
    created: sum(s => s.created),
    cleared: sum(s => s.cleared),
    latenessP99Ms: max(s => s.latenessP99Ms),
    callbackP99Ms: max(s => s.callbackP99Ms),
    growing: sites.some(s => s.growing),
    keepsAlive: sites.some(s => s.keepsAlive),
  };
}

/** The live code lens: the shared live text, plus the kind for snapshot numbers (which have no fire statistics). */
export function lensText(s: SiteView): string {
  const text = liveText(s);
  return s.fired === undefined && s.refed !== undefined ? `${text} · ${describeKind(s)}` : text;
}
