import type { FileFacts } from '../facts';
import type { RuleId, RuleLevel, StaticFinding } from '../types';
import { clearMismatch } from './clearMismatch';
import { asyncOverlap, timersPromisesLeak } from './flowRules';
import { discardedHandle, neverCleared, perRequest } from './handleRules';

/** Rule table: id, default level, one-line summary (the rationale lives in docs/language-server.md). */
export const RULES: readonly { id: RuleId; level: RuleLevel; summary: string; run: (f: FileFacts) => StaticFinding[] }[] = [
  { id: 'discarded-handle', level: 'warning', summary: 'timer handle thrown away, so it can never be cleared', run: discardedHandle },
  { id: 'never-cleared', level: 'warning', summary: 'stored interval handle that no reachable code clears', run: neverCleared },
  { id: 'per-request', level: 'warning', summary: 'timer created per request/connection without a clear on close/finish', run: perRequest },
  { id: 'async-overlap', level: 'warning', summary: 'setInterval with an async callback and no overlap guard', run: asyncOverlap },
  { id: 'clear-mismatch', level: 'warning', summary: 'wrong clear function, clear of a non-timer, or handle overwritten while live', run: clearMismatch },
  { id: 'timers-promises-leak', level: 'warning', summary: 'timers/promises setInterval iterator left without return()', run: timersPromisesLeak },
];

/** All rule ids, in table order. */
export const RULE_IDS: readonly RuleId[] = RULES.map(r => r.id);

/** Level per rule; missing entries fall back to the rule's default. */
export type RuleLevels = Partial<Record<RuleId, RuleLevel>>;

/** Run every rule over the facts of one file. */
export function runRules(facts: FileFacts): StaticFinding[] {
  return RULES.flatMap(r => r.run(facts));
}

/**
 * Apply configured levels: drop findings of rules turned off, and when per-request is reported for a
 * site, drop the generic discarded-handle/never-cleared finding on the same site (one diagnostic per cause).
 */
export function applyLevels(findings: readonly StaticFinding[], levels: RuleLevels): (StaticFinding & { level: Exclude<RuleLevel, 'off'> })[] {
  const levelOf = (id: RuleId): RuleLevel => levels[id] ?? RULES.find(r => r.id === id)!.level;
  const active = findings.filter(f => levelOf(f.rule) !== 'off');
  const perRequestSites = new Set(active.filter(f => f.rule === 'per-request').map(f => f.site));
  return active
    .filter(f => !(f.site && perRequestSites.has(f.site) && (f.rule === 'discarded-handle' || f.rule === 'never-cleared')))
    .map(f => ({ ...f, level: levelOf(f.rule) as Exclude<RuleLevel, 'off'> }));
}

/** Normalise a raw `timerscope.rules` settings object (unknown ids and values are ignored). */
export function levelsFrom(raw: unknown): RuleLevels {
  const out: RuleLevels = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const id of RULE_IDS) {
    const v = (raw as Record<string, unknown>)[id];
    if (v === 'off' || v === 'info' || v === 'warning' || v === 'error') out[id] = v;
  }
  return out;
}
