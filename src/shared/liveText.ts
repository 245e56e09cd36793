/**
 * Pure: the live part of a timer lens, `3 live · 1,204 fired · p99 late 18 ms · cb p99 4 ms`. One formatter
 * for both lenses: the extension's own (src/editor/lensText.ts) and the language server's merged lens
 * (`<static facts> — <this text>`, src/server/analysis/lenses.ts), so a lens reads the same whoever serves it.
 */

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

/** The numbers the live text reads; `fired` is known in live mode, absent for snapshot numbers. */
export type LiveTextNumbers = {
  live: number;
  growing?: boolean;
  refed?: number;
  fired?: number;
  latenessP99Ms?: number;
  callbackP99Ms?: number;
};

/** What is alive (↑ while growing), how often it fired, how late and how long: the numbers we have. */
export function liveText(s: LiveTextNumbers): string {
  const parts = [`${formatCount(s.live)} live`];
  if (s.growing) parts[0] += ' ↑';
  if (s.fired !== undefined) parts.push(`${formatCount(s.fired)} fired`);
  // Percentiles of no fires are no numbers.
  if (s.fired !== 0 && s.latenessP99Ms !== undefined) parts.push(`p99 late ${formatMs(s.latenessP99Ms)}`);
  if (s.fired !== 0 && s.callbackP99Ms !== undefined) parts.push(`cb p99 ${formatMs(s.callbackP99Ms)}`);
  // Live numbers: an unref'd site says so, since it cannot keep the process alive.
  if (s.fired !== undefined && s.refed === 0 && s.live > 0) parts.push("unref'd");
  // Snapshot numbers: no fire statistics, but the ref state is known.
  if (s.fired === undefined && s.refed !== undefined) {
    parts.push(s.refed === s.live ? "ref'd" : s.refed === 0 ? "unref'd" : `${formatCount(s.refed)} ref'd`);
  }
  return parts.join(' · ');
}
