// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { FileFacts } from '../facts';
import { functionName } from '../syntax';
import type { StaticFinding, TimerSite } from '../types';
import { className, clearFnFor, clearLabel, clearsMatching, clearsOf, delayLabel, programLifetime, slotText } from './helpers';

/** Range of a finding about a site: the callee name, the position V8 reports for the call. */
export function at(site: TimerSite): { start: number; end: number } {
  return { start: site.namePos, end: site.call.expression.end };
}

/**
 * discarded-handle: `setInterval(...)` as a statement (or a self re-arming / cancellable-by-design
 * setTimeout) throws the only reference away, so no code can ever clear it.
 */
export function discardedHandle(facts: FileFacts): StaticFinding[] {
  const clearingClasses = new Set<ts.ClassLikeDeclaration>();
  for (const c of facts.clears) if (c.cls && c.how.startsWith('clear')) clearingClasses.add(c.cls);
  const out: StaticFinding[] = [];
  for (const s of facts.sites) {
    if (s.api !== 'timers' || s.handle !== 'discarded' || s.unrefd || programLifetime(facts, s)) continue;
    let message: string;
    if (s.kind === 'interval') {
      message = `The handle returned by setInterval is discarded, so nothing can ever clear this interval (every ${delayLabel(s) || 'tick'}). `
        + 'Store it and clear it when its owner shuts down, or call .unref() if it is housekeeping.';
    } else if (s.kind === 'timeout' && s.rearms) {
      message = `This setTimeout re-arms ${functionName(s.fn!) ?? 'its function'}() and its handle is discarded: the chain can never be stopped. `
        + 'Keep the handle and clear it on shutdown, or add a stop condition.';
    } else if (s.kind === 'timeout' && s.cls && clearingClasses.has(s.cls)) {
      message = `The handle returned by setTimeout is discarded although ${className(s.cls)} clears its timers elsewhere: `
        + 'this timeout can never be cancelled and every call leaves one more pending. Store or return the handle.';
    } else continue;
    out.push({ rule: 'discarded-handle', message, ...at(s), site: s });
  }
  return out;
}

/** Slots other modules may clear (exports, foreign objects) are not judged from one file. */
function judgeable(site: TimerSite): boolean {
  const key = site.key?.replace(/^c:/, '') ?? '';
  if (!/^(v#|g\.|p#)/.test(key)) return false;
  const decl = site.call.parent;
  const stmt = decl && ts.isVariableDeclaration(decl) ? decl.parent.parent : undefined;
  return !(stmt && ts.isVariableStatement(stmt) && ts.getModifiers(stmt)?.some(m => m.kind === ts.SyntaxKind.ExportKeyword));
}

/** never-cleared: the interval's handle is kept, but no reachable clear uses it. */
export function neverCleared(facts: FileFacts): StaticFinding[] {
  const out: StaticFinding[] = [];
  for (const s of facts.sites) {
    if (s.api !== 'timers' || (s.handle !== 'stored' && s.handle !== 'collection') || s.unrefd) continue;
    if (!(s.kind === 'interval' || s.rearms) || !judgeable(s) || clearsOf(facts, s).length || programLifetime(facts, s)) continue;
    const slot = slotText(s);
    const fn = clearFnFor(s);
    const dead = clearsMatching(facts, s.key!);
    let message: string;
    if (dead.length) {
      message = `The ${s.kind} stored in ${slot} is never cleared: the only ${fn}(${slot}) is in ${clearLabel(dead[0])}, which nothing calls.`;
    } else if (s.key!.replace(/^c:/, '').startsWith('p#')) {
      message = `${className(s.cls)} stores this ${s.kind} in ${slot} but no method clears it (no close/dispose/stop/destroy/[Symbol.dispose] `
        + `calls ${fn}(${slot})): every instance keeps its timer, and itself, alive forever.`;
    } else {
      message = `The ${s.kind} stored in ${slot} is never cleared: no reachable ${fn}(${slot}) exists in this file.`;
    }
    out.push({ rule: 'never-cleared', message, ...at(s), site: s });
  }
  return out;
}

/** per-request: a timer created per request/connection with no clear tied to the request's end. */
export function perRequest(facts: FileFacts): StaticFinding[] {
  const out: StaticFinding[] = [];
  for (const s of facts.sites) {
    if (s.api !== 'timers' || !s.handler) continue;
    const long = s.kind === 'interval' || s.rearms || (s.kind === 'timeout' && (s.delayMs ?? 0) >= 10_000);
    if (!long || !['discarded', 'stored', 'collection'].includes(s.handle)) continue;
    if (s.handle !== 'discarded' && clearsOf(facts, s).length) continue;
    const per = /connection/.test(s.handler.description) ? 'connection' : /message/.test(s.handler.description) ? 'message' : 'request';
    const what = s.kind === 'interval' ? `setInterval (every ${delayLabel(s) || 'tick'})` : `setTimeout (${delayLabel(s)})`;
    const message = `${what} inside ${s.handler.description} creates one ${s.kind} per ${per} and nothing clears it when the ${per} ends`
      + `${s.handle === 'discarded' ? ' (the handle is discarded)' : ''}: timers pile up with traffic. `
      + `Keep the handle and call ${clearFnFor(s)} on 'close'/'finish'.`;
    out.push({ rule: 'per-request', message, ...at(s), site: s });
  }
  return out;
}
