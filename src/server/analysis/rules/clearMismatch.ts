// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { FileFacts } from '../facts';
import { functionName } from '../syntax';
import { keysMatch, skipOuter, thisClass } from '../keys';
import type { ClearSite, StaticFinding, TimerSite } from '../types';
import { at } from './handleRules';
import { assignmentsNamed, clearFnFor, clearsMatching, sitesMatching, slotText, wordCount } from './helpers';

/**
 * clear-mismatch: clearTimeout on an interval handle (or vice versa); a handle slot reassigned while it
 * may still hold a live timer; or a clear whose slot is only ever assigned values that are not timers.
 */
export function clearMismatch(facts: FileFacts): StaticFinding[] {
  const out: StaticFinding[] = [];
  const line = (n: ts.Node) => facts.sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
  for (const c of facts.clears) {
    if (c.how !== 'clearTimeout' && c.how !== 'clearInterval') continue;
    // Only for messages: most clears produce none, and getText() costs.
    const arg = () => (c.node as ts.CallExpression).arguments[0].getText();
    const sites = sitesMatching(facts, c.key).filter(s => s.api === 'timers');
    if (sites.length) {
      const wrongKind = c.how === 'clearTimeout' ? 'interval' : 'timeout';
      if (sites.every(s => s.kind === wrongKind)) {
        const made = wrongKind === 'interval' ? 'setInterval' : 'setTimeout';
        out.push({
          rule: 'clear-mismatch', start: c.node.getStart(), end: (c.node as ts.CallExpression).expression.end,
          message: `${c.how}(${arg()}) is given ${wrongKind === 'interval' ? 'an interval' : 'a timeout'} handle (${made} at line ${line(sites[0].call)}): `
            + `use ${clearFnFor(sites[0])}. Node and browsers accept either, but the mismatch usually means the wrong handle is being cleared.`,
        });
      }
      continue;
    }
    const why = neverATimer(facts, c);
    if (why) {
      out.push({
        rule: 'clear-mismatch', start: c.node.getStart(), end: (c.node as ts.CallExpression).expression.end,
        message: `${c.how}(${arg()}) can never cancel a timer: ${arg()} is only ever assigned ${why}, never a timer handle, `
          + 'so the timer it was meant to stop keeps running.',
      });
    }
  }
  for (const s of facts.sites) {
    const f = reassignedWithoutClear(facts, s);
    if (f) out.push(f);
  }
  return out;
}

/** Describes the values assigned to the clear's slot when none of them can be a timer handle. */
function neverATimer(facts: FileFacts, c: ClearSite): string | undefined {
  const name = c.key.slice(Math.max(c.key.lastIndexOf('.'), c.key.lastIndexOf(':')) + 1);
  const values: ts.Expression[] = [];
  for (const a of assignmentsNamed(facts, name)) {
    const k = facts.keys.keyOf(a.target);
    if (!k || !keysMatch(k, c.key)) continue;
    const v = skipOuter(a.value);
    if (v.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(v) && v.text === 'undefined') || ts.isVoidExpression(v)) continue;
    values.push(v);
  }
  if (!values.length) return undefined;
  const reasons: string[] = [];
  for (const v of values) {
    const r = notTimer(v, thisClass(c.node), 0);
    if (!r) return undefined;
    reasons.push(r);
  }
  return [...new Set(reasons)].join(' and ');
}

function notTimer(v: ts.Expression, cls: ts.ClassLikeDeclaration | undefined, depth: number): string | undefined {
  v = skipOuter(v);
  if (v.kind === ts.SyntaxKind.ThisKeyword) return '`this`';
  if (ts.isLiteralExpression(v) || ts.isObjectLiteralExpression(v) || ts.isArrayLiteralExpression(v)
    || v.kind === ts.SyntaxKind.TrueKeyword || v.kind === ts.SyntaxKind.FalseKeyword) return `\`${v.getText().slice(0, 20)}\``;
  if (ts.isNewExpression(v)) return `\`${v.getText().slice(0, 30)}\``;
  if (depth < 2 && cls && ts.isCallExpression(v) && ts.isPropertyAccessExpression(v.expression)
    && v.expression.expression.kind === ts.SyntaxKind.ThisKeyword) {
    const m = cls.members.find(x => ts.isMethodDeclaration(x) && x.name.getText() === (v.expression as ts.PropertyAccessExpression).name.text);
    if (!m || !ts.isMethodDeclaration(m) || !m.body) return undefined;
    const rets: ts.Expression[] = [];
    let bare = false;
    const walk = (n: ts.Node): void => {
      if (ts.isFunctionLike(n)) return;
      if (ts.isReturnStatement(n)) { if (n.expression) rets.push(n.expression); else bare = true; }
      ts.forEachChild(n, walk);
    };
    ts.forEachChild(m.body, walk);
    if (bare || !rets.length) return undefined;
    const inner = rets.map(r => notTimer(r, cls, depth + 1));
    if (inner.some(x => !x)) return undefined;
    return `${v.getText()}, which returns ${[...new Set(inner)].join(' or ')}`;
  }
  return undefined;
}

/** `slot = setX()` in code that can run repeatedly, with no clear of the old value or guard before it. */
function reassignedWithoutClear(facts: FileFacts, s: TimerSite): StaticFinding | undefined {
  if (s.api !== 'timers' || s.handle !== 'stored' || !s.key || s.key.startsWith('c:') || s.unrefd) return undefined;
  const assign = s.call.parent;
  if (!ts.isBinaryExpression(assign) || assign.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return undefined;
  const fn = s.fn;
  if (!fn || ts.isConstructorDeclaration(fn) || !runsRepeatedly(facts, fn)) return undefined;
  const key = s.key;
  const cleared = clearsMatching(facts, key);
  if (s.kind !== 'interval' && !cleared.length) return undefined;
  if (key.startsWith('v#') && declaredInside(facts, s, fn)) return undefined;
  const slot = slotText(s);
  const pos = assign.getStart();
  if (cleared.some(c => c.node.pos < pos && within(c.node, fn))) return undefined;
  if (guarded(fn, slot, pos) || callsClearingMethod(fn, pos, cleared)) return undefined;
  const name = functionName(fn);
  return {
    rule: 'clear-mismatch', ...at(s), site: s,
    message: `${slot} is reassigned without clearing the ${s.kind} it may still hold: if ${name ? `${name}()` : 'this code'} runs again, `
      + `the previous ${s.kind} leaks and can no longer be cleared. Call ${clearFnFor(s)}(${slot}) first, or return early when it is set.`,
  };
}

function runsRepeatedly(facts: FileFacts, fn: ts.Node): boolean {
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessor(fn) || ts.isSetAccessor(fn)) return true;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isCallExpression(fn.parent)) return fn.parent.expression !== fn;
  const name = functionName(fn);
  if (!name) return false;
  return wordCount(facts, name, 3, false) >= 3;
}

function declaredInside(facts: FileFacts, s: TimerSite, fn: ts.Node): boolean {
  const left = skipOuter((s.call.parent as ts.BinaryExpression).left);
  const decl = ts.isIdentifier(left) ? facts.scopes.resolve(left) : undefined;
  return !!decl && within(decl, fn);
}

function within(n: ts.Node, outer: ts.Node): boolean {
  return n.pos >= outer.pos && n.end <= outer.end;
}

const SHORT_CIRCUIT = new Set<ts.SyntaxKind>([ts.SyntaxKind.AmpersandAmpersandToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken]);

/** A condition mentioning the slot before or around the assignment (`if (this.timer) return`, `!t &&`). */
function guarded(fn: ts.Node, slot: string, pos: number): boolean {
  const re = new RegExp(`(^|[^\\w$.])${slot.replace(/[.$[\]]/g, '\\$&')}(?![\\w$])`);
  let hit = false;
  const walk = (n: ts.Node): void => {
    // n.pos, not getStart(): `pos` is a token's start, never inside a node's leading trivia, so they agree.
    if (hit || n.pos > pos) return;
    const cond = ts.isIfStatement(n) ? n.expression : ts.isConditionalExpression(n) ? n.condition
      : ts.isBinaryExpression(n) && SHORT_CIRCUIT.has(n.operatorToken.kind) ? n.left : undefined;
    if (cond && re.test(cond.getText())) hit = true;
    else ts.forEachChild(n, walk);
  };
  ts.forEachChild(fn, walk);
  return hit;
}

/** `this.stop(); this.timer = setInterval(…)` where stop() clears the slot. */
function callsClearingMethod(fn: ts.Node, pos: number, cleared: ClearSite[]): boolean {
  const clearingFns = new Set(cleared.map(c => c.fn && functionName(c.fn)).filter((x): x is string => !!x));
  if (!clearingFns.size) return false;
  let hit = false;
  const walk = (n: ts.Node): void => {
    if (hit || n.pos > pos) return;
    if (ts.isCallExpression(n)) {
      const e = n.expression;
      const nm = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
      if (clearingFns.has(nm)) hit = true;
    }
    ts.forEachChild(n, walk);
  };
  ts.forEachChild(fn, walk);
  return hit;
}
