import type * as ts from 'typescript';
import { collectFacts, type FileFacts } from './facts';
import { parse, scriptKindFor } from './parse';
import { clearLabel, clearsOf, delayLabel, programLifetime } from './rules/helpers';
import { runRules } from './rules';
import type { CallSiteInfo, RuleId, StaticFinding, TimerSite } from './types';

/** The result of analysing one file: AST-backed facts (for fixes) plus AST-free findings and sites. */
export type Analysis = {
  facts: FileFacts;
  findings: StaticFinding[];
  /**
   * Computed on first read (diagnostics after an edit do not need them; lenses and callSites do). Read it
   * before the document's tree is re-parsed again: the re-parse moves the nodes it is computed from.
   */
  readonly sites: CallSiteInfo[];
};

/**
 * Analyse a parsed file. Pass the analysis of the document's previous version when `sf` is its
 * incremental re-parse: unchanged top-level statements are not walked again (see facts.ts).
 */
export function analyze(sf: ts.SourceFile, previous?: Analysis): Analysis {
  const facts = collectFacts(sf, previous?.facts);
  const findings = runRules(facts);
  let sites: CallSiteInfo[] | undefined;
  return {
    facts, findings,
    get sites() {
      if (!sites) {
        const bySite = new Map<TimerSite, RuleId[]>();
        for (const f of findings) if (f.site) bySite.set(f.site, [...(bySite.get(f.site) ?? []), f.rule]);
        sites = facts.sites.map(s => siteInfo(facts, s, bySite.get(s) ?? []));
      }
      return sites;
    },
  };
}

/** Parse and analyse source text. */
export function analyzeText(fileName: string, text: string, languageId?: string): Analysis {
  return analyze(parse(fileName, text, scriptKindFor(fileName, languageId)));
}

function siteInfo(facts: FileFacts, s: TimerSite, rules: RuleId[]): CallSiteInfo {
  const sf = facts.sf;
  const name = sf.getLineAndCharacterOfPosition(s.namePos);
  const start = sf.getLineAndCharacterOfPosition(s.call.getStart());
  const end = sf.getLineAndCharacterOfPosition(s.call.end);
  const info: CallSiteInfo = {
    line: name.line + 1, column: name.character + 1,
    range: { start, end }, kind: s.kind, api: s.api, facts: lensFacts(facts, s, rules), rules,
  };
  if (s.delayMs !== undefined) info.delayMs = s.delayMs;
  if (s.delayText) info.delayText = s.delayText;
  if (s.callbackName) info.callbackName = s.callbackName;
  return info;
}

/** Static facts for the lens, most important first: `['interval 1000 ms', 'never cleared']`. */
function lensFacts(facts: FileFacts, s: TimerSite, rules: RuleId[]): string[] {
  const delay = delayLabel(s);
  const out = [`${s.api === 'timers/promises' ? 'timers/promises ' : ''}${s.kind}${delay && s.kind !== 'immediate' ? ` ${delay}` : ''}`];
  const has = (r: RuleId) => rules.includes(r);
  if (has('per-request')) out.push(s.handle === 'discarded' ? 'per request · handle discarded' : 'per request · never cleared');
  else if (has('discarded-handle')) out.push('handle discarded · never cleared');
  else if (has('never-cleared')) out.push('never cleared');
  else if (has('timers-promises-leak')) out.push('iterator never closed');
  else if (s.handle === 'using') out.push('disposed by using');
  else if (s.handle === 'for-await') out.push('closed by for await');
  else if (s.signal) out.push('AbortSignal');
  else {
    const clears = clearsOf(facts, s);
    if (clears.length) out.push(`cleared in ${clearLabel(clears[0])}`);
    else if (programLifetime(facts, s)) out.push('runs until process.exit');
    else if (s.api === 'timers/promises' && s.kind === 'interval' && s.handle === 'stored') out.push('not iterated yet');
    else if (s.unrefd) out.push("unref'd");
    else if (s.handle === 'returned') out.push('handle returned');
    else if (s.handle === 'escapes') out.push('handle passed on');
    else if (s.kind !== 'interval' && !s.rearms) out.push('one-shot');
  }
  if (s.unrefd && !out.includes("unref'd")) out.push("unref'd");
  if (s.rearms) out.push('re-arms itself');
  if (has('async-overlap')) out.push('async, runs may overlap');
  if (has('clear-mismatch')) out.push('overwritten while live');
  return out;
}
