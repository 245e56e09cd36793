/** Pure: the one-line texts of code lenses and tree items, e.g. `3 live · 1,204 fired · p99 late 18 ms · cb p99 4 ms`. */
import type { SiteView } from './siteView';

const nf = new Intl.NumberFormat('en-US');

/** 1204 → "1,204". */
export function formatCount(n: number): string {
  return nf.format(n);
}

/** Milliseconds with a precision that suits their size: 0.4 ms, 18 ms, 1.2 s. */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${Math.round(ms / 1000)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${Number(ms.toFixed(1))} ms`;
}

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

/** The live code lens: what is alive, how often it fired, how late and how long (the numbers we have). */
export function lensText(s: SiteView): string {
  const parts = [`${formatCount(s.live)} live`];
  if (s.growing) parts[0] += ' ↑';
  if (s.fired !== undefined) parts.push(`${formatCount(s.fired)} fired`);
  // Percentiles of no fires are no numbers.
  if (s.fired !== 0 && s.latenessP99Ms !== undefined) parts.push(`p99 late ${formatMs(s.latenessP99Ms)}`);
  if (s.fired !== 0 && s.callbackP99Ms !== undefined) parts.push(`cb p99 ${formatMs(s.callbackP99Ms)}`);
  // Live numbers (the format); an unref'd site says so, since it cannot keep the process alive.
  if (s.fired !== undefined && s.refed === 0 && s.live > 0) parts.push("unref'd");
  if (s.fired === undefined && s.refed !== undefined) {
    // Snapshot numbers: no fire statistics, but the ref state is known.
    parts.push(s.refed === s.live ? "ref'd" : s.refed === 0 ? "unref'd" : `${formatCount(s.refed)} ref'd`);
    parts.push(describeKind(s));
  }
  return parts.join(' · ');
}
