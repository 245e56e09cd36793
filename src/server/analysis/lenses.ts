import { liveText } from '../../shared/liveText';
import type { LiveSiteNumbers, StaticCallSite } from '../../shared/lspProtocol';

/** One lens to show: where, its title, and the reveal arguments. */
export type LensPlan = { line: number; character: number; title: string; site: { line: number; column: number; kind?: string } };

/**
 * One lens per timer call: the static facts, followed by the live numbers when the extension sent any
 * for that line (matched by line, then nearest column). Live sites with no static call on their line get
 * a lens of their own, since the runtime saw a timer the static analysis could not (a wrapper, eval…).
 * The live part is the extension's own lens text (src/shared/liveText.ts): `3 live ↑ · 1,204 fired · p99 late 18 ms`.
 */
export function planLenses(sites: readonly StaticCallSite[], live: readonly LiveSiteNumbers[] = []): LensPlan[] {
  const byLine = new Map<number, StaticCallSite[]>();
  for (const s of sites) byLine.set(s.line, [...(byLine.get(s.line) ?? []), s]);
  const liveFor = new Map<StaticCallSite, LiveSiteNumbers[]>();
  const orphans: LiveSiteNumbers[] = [];
  for (const l of live) {
    const cands = byLine.get(l.line);
    if (!cands) { orphans.push(l); continue; }
    const best = cands.reduce((a, b) => (Math.abs((b.column) - (l.column ?? b.column)) < Math.abs(a.column - (l.column ?? a.column)) ? b : a));
    liveFor.set(best, [...(liveFor.get(best) ?? []), l]);
  }
  const out: LensPlan[] = sites.map(s => {
    const l = liveFor.get(s);
    const title = s.facts.join(' · ') + (l ? ` — ${liveText(merge(l))}` : '');
    return { line: s.range.start.line, character: s.range.start.character, title, site: { line: s.line, column: s.column, kind: s.kind } };
  });
  for (const l of orphans) {
    out.push({ line: l.line - 1, character: Math.max(0, (l.column ?? 1) - 1), title: `${l.kind ?? 'timer'} — ${liveText(l)}`, site: { line: l.line, column: l.column ?? 1, kind: l.kind } });
  }
  return out;
}

function merge(ls: LiveSiteNumbers[]): LiveSiteNumbers {
  if (ls.length === 1) return ls[0];
  const sum = (f: (x: LiveSiteNumbers) => number | undefined) =>
    ls.some(x => f(x) !== undefined) ? ls.reduce((a, x) => a + (f(x) ?? 0), 0) : undefined;
  const max = (f: (x: LiveSiteNumbers) => number | undefined) =>
    ls.some(x => f(x) !== undefined) ? Math.max(...ls.map(x => f(x) ?? 0)) : undefined;
  return {
    line: ls[0].line, live: sum(x => x.live)!, refed: sum(x => x.refed), created: sum(x => x.created), cleared: sum(x => x.cleared),
    fired: sum(x => x.fired), refreshed: sum(x => x.refreshed), growing: ls.some(x => x.growing),
    latenessP99Ms: max(x => x.latenessP99Ms), callbackP99Ms: max(x => x.callbackP99Ms), overlaps: sum(x => x.overlaps),
  };
}
