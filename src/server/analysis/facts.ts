import ts from 'typescript';
import { calleeNamePos, collectStatement, type StatementFacts, type TimerFacts } from './collect';
import { Keys } from './keys';
import { Scopes, type ResolutionTracker } from './scopes';
import { TimerBindings } from './timerApis';

/** Everything the walk over a file learns; the rules only read this. */
export type FileFacts = TimerFacts & {
  sf: ts.SourceFile;
  keys: Keys;
  scopes: Scopes;
  /** Per top-level statement results, offered to the next version of the same document. */
  cache: StatementCache;
  /** The statements' own facts, in order. */
  parts: StatementFacts[];
};

type CachedStatement = { facts: StatementFacts; deps: ResolutionTracker };
// A Map, rebuilt per version with the current statements only: it dies with the version, and keeps weak
// tables (costly for the garbage collector) out of the edit path.
type StatementCache = { bindings: string; nested: boolean; byStatement: Map<ts.Statement, CachedStatement> };

/**
 * Collect the facts of a parsed file. With `previous` (the facts of an earlier version of the same
 * document, whose tree TypeScript re-parsed incrementally), every top-level statement that TypeScript
 * reused unchanged, and whose names still resolve to the same declarations, keeps its earlier results:
 * a keystroke in one function of a 10,000-line file walks that one statement again, not the file.
 */
export function collectFacts(sf: ts.SourceFile, previous?: FileFacts): FileFacts {
  // Scopes are asked about again only for statements walked again, so a fresh cache per version is cheap;
  // key ids must stay stable across versions (cached keys name declarations by id), so Keys is kept.
  const scopes = new Scopes();
  const keys = previous?.keys ?? new Keys(scopes);
  keys.scopes = scopes;
  const bindings = new TimerBindings();
  for (const s of sf.statements) {
    bindings.note(s);
    if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) bindings.note(d);
  }
  const signature = bindings.signature();
  const reusable = previous && !previous.cache.nested && previous.cache.bindings === signature ? previous.cache.byStatement : undefined;
  const cache: StatementCache = { bindings: signature, nested: false, byStatement: new Map() };
  const parts: StatementFacts[] = [];
  const present = new Set<ts.Node>(sf.statements);
  let reused = 0;
  for (const stmt of sf.statements) {
    const hit = reusable?.get(stmt);
    let entry: CachedStatement;
    if (hit && stillResolves(hit.deps, present, sf, scopes)) {
      entry = hit;
      reused++;
    } else {
      const deps: ResolutionTracker = { statements: new Set(), missing: new Set() };
      scopes.tracker = deps;
      try {
        entry = { facts: collectStatement(stmt, { keys, scopes, bindings }), deps };
      } finally {
        scopes.tracker = undefined;
      }
    }
    cache.byStatement.set(stmt, entry);
    cache.nested ||= entry.facts.nestedBindings;
    parts.push(entry.facts);
  }
  // A require('timers') inside a function changes how the statements after it resolve: walk everything.
  if (reused && cache.nested) return collectFacts(sf);
  return merge(sf, parts, keys, scopes, cache, reused ? previous : undefined);
}

/**
 * File-wide word counts. After an edit they are the previous totals minus the statements that went away
 * plus the ones walked again, so a keystroke does not add up every statement's counts anew.
 */
function wordTotals(parts: StatementFacts[], previous?: FileFacts): { words: Map<string, number>; members: Map<string, number> } {
  const words = new Map(previous?.words);
  const members = new Map(previous?.members);
  const add = (p: StatementFacts, sign: 1 | -1) => {
    for (const [w, n] of p.words) words.set(w, (words.get(w) ?? 0) + sign * n);
    for (const [w, n] of p.members) members.set(w, (members.get(w) ?? 0) + sign * n);
  };
  if (!previous) {
    for (const p of parts) add(p, 1);
    return { words, members };
  }
  const now = new Set(parts);
  const before = new Set(previous.parts);
  for (const p of previous.parts) if (!now.has(p)) add(p, -1);
  for (const p of parts) if (!before.has(p)) add(p, 1);
  return { words, members };
}

/** True when every declaration a cached statement resolved to is still in the tree, and no new top-level one shadows a name it could not resolve. */
function stillResolves(deps: ResolutionTracker, present: Set<ts.Node>, sf: ts.SourceFile, scopes: Scopes): boolean {
  for (const s of deps.statements) if (!present.has(s)) return false;
  for (const name of deps.missing) if (scopes.declaresAtTop(sf, name)) return false;
  return true;
}

function merge(sf: ts.SourceFile, parts: StatementFacts[], keys: Keys, scopes: Scopes, cache: StatementCache, previous?: FileFacts): FileFacts {
  const facts: FileFacts = {
    sf, sites: [], clears: [], assignments: [], iter: new Map(), unrefKeys: new Set(), exitsProcess: false, keys, scopes, cache, parts,
    ...wordTotals(parts, previous),
  };
  for (const p of parts) {
    facts.sites.push(...p.sites);
    facts.clears.push(...p.clears);
    facts.assignments.push(...p.assignments);
    for (const k of p.unrefKeys) facts.unrefKeys.add(k);
    for (const [k, u] of p.iter) {
      const m = facts.iter.get(k);
      facts.iter.set(k, m ? { next: m.next || u.next, ret: m.ret || u.ret, forAwait: m.forAwait || u.forAwait } : u);
    }
    facts.exitsProcess ||= p.exitsProcess;
  }
  for (const s of facts.sites) {
    // Reused nodes were moved by the re-parse: positions are read again, never cached.
    s.namePos = calleeNamePos(s.call);
    s.unrefd = s.chainedUnref || (!!s.key && facts.unrefKeys.has(s.key));
  }
  return facts;
}
