/**
 * Incremental analysis must equal a fresh one. Every fixture is edited step by step through
 * TypeScript's incremental re-parse (as didChange does) with the previous analysis handed on, and after
 * each step the findings and call sites are compared with analysing the same text from scratch. The
 * edits hit what the statement cache depends on: inserting and deleting timers, changing a constant
 * delay in another statement, adding/removing a declaration other statements resolve to, imports of
 * the timer modules, and a nested require.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, analyzeText, type Analysis } from '../../../src/server/analysis/analyze';
import { parse, reparse, scriptKindFor, type TextEdit } from '../../../src/server/analysis/parse';
import { reparseStatement } from '../../../src/server/analysis/statementReparse';
import { FIXTURES } from './lspClient';

const view = (a: Analysis) => ({
  findings: a.findings.map(f => `${f.rule}@${f.start}-${f.end}: ${f.message}`).sort(),
  sites: a.sites.map(s => JSON.stringify(s)).sort(),
});

/**
 * Applies edits one by one and checks the incremental result against a fresh analysis after each. Counts
 * the edits the one-statement re-parse took (reparse() tries it first, as here) besides TypeScript's.
 */
function check(name: string, text: string, edits: ((t: string) => TextEdit | undefined)[]): { steps: number; quick: number } {
  const kind = scriptKindFor(name);
  let sf = parse(name, text, kind);
  let a = analyze(sf);
  let steps = 0;
  let quick = 0;
  for (const make of edits) {
    const e = make(sf.text);
    if (!e) continue;
    const one = reparseStatement(sf, e);
    if (one) quick++;
    sf = one ?? reparse(sf, [e]);
    a = analyze(sf, a);
    assert.deepEqual(view(a), view(analyzeText(name, sf.text)), `${name} after edit ${steps + 1}: ${JSON.stringify(e)}`);
    steps++;
  }
  return { steps, quick };
}

const at = (needle: string, newText: string, replace = 0) => (t: string): TextEdit | undefined => {
  const i = t.indexOf(needle);
  return i < 0 ? undefined : { start: i, end: i + replace, newText };
};
const lineStart = (n: number) => (t: string): number => {
  let off = 0;
  for (let i = 0; i < n && off >= 0; i++) off = t.indexOf('\n', off) + 1;
  return off;
};

describe('incremental analysis equals a fresh analysis', () => {
  const files = ['rules', 'cases', 'fixes'].flatMap(d => readdirSync(join(FIXTURES, d)).filter(f => !f.endsWith('.md')).map(f => join(d, f)));
  let quickEdits = 0;

  for (const rel of files) {
    it(rel, () => {
      const text = readFileSync(join(FIXTURES, rel), 'utf8');
      const lines = text.split('\n').length;
      const edits: ((t: string) => TextEdit | undefined)[] = [];
      // Insert, then remove, a discarded interval at every 4th line start.
      for (let l = 0; l < lines; l += 4) {
        const ins = '\nsetInterval(() => {}, 7);\n';
        edits.push(t => ({ start: lineStart(l)(t), end: lineStart(l)(t), newText: ins }));
        edits.push(t => ({ start: lineStart(l)(t), end: lineStart(l)(t) + ins.length, newText: '' }));
      }
      // Delete each top-level statement (e.g. the only call of a function that clears), then put it back.
      const statements = parse(rel, text, scriptKindFor(rel)).statements.map(s => s.getText());
      for (const st of statements) {
        edits.push(at(st, '', st.length));
        edits.push(t => { const i = t.indexOf('\n', Math.floor(t.length / 2)) + 1; return { start: i, end: i, newText: `${st}\n` }; });
      }
      // Typing inside the file: one character at a time in the middle.
      for (const ch of ['/', '/', ' ', 'x']) edits.push(t => ({ start: lineStart(Math.floor(lines / 2))(t), end: lineStart(Math.floor(lines / 2))(t), newText: ch }));
      // Declarations other statements depend on.
      edits.push(at('', 'const PERIOD = 250;\nlet t;\nlet timer;\n'));
      edits.push(t => { const i = t.indexOf('const PERIOD = 250;'); return i < 0 ? undefined : { start: i + 15, end: i + 18, newText: '9000' }; });
      edits.push(at('let t;\n', '', 'let t;\n'.length));
      edits.push(at('', "import { setInterval as every } from 'node:timers/promises';\n"));
      edits.push(t => ({ start: t.length, end: t.length, newText: '\nfunction later() { const tp = require("timers/promises"); return tp.setInterval(5); }\n' }));
      edits.push(at("import { setInterval as every } from 'node:timers/promises';\n", '', "import { setInterval as every } from 'node:timers/promises';\n".length));
      // Typing inside timer calls and function bodies (the one-statement re-parse's edits): a delay, a
      // statement added before a return, a clear call removed and put back.
      for (const [needle, add] of [['setInterval(', '/* x */ '], ['return', 'void 0;\n'], [', 1000)', '0']] as const) {
        edits.push(t => { const i = t.indexOf(needle); return i < 0 ? undefined : { start: i + needle.length - (needle.startsWith(',') ? 1 : 0), end: i + needle.length - (needle.startsWith(',') ? 1 : 0), newText: add }; });
      }
      edits.push(t => { const i = t.indexOf('clearInterval('); return i < 0 ? undefined : { start: i, end: i + 'clearInterval'.length, newText: 'String' }; });
      edits.push(t => { const i = t.lastIndexOf('String('); return i < 0 ? undefined : { start: i, end: i + 'String'.length, newText: 'clearInterval' }; });
      const { steps, quick } = check(rel, text, edits);
      assert.ok(steps >= 8, `${steps} edits applied`);
      quickEdits += quick;
    });
  }

  it('the one-statement re-parse took many of those edits (both re-parse paths are checked)', () => {
    assert.ok(quickEdits > 2 * files.length, `${quickEdits} edits of ${files.length} files re-parsed one statement`);
  });

  it('removing the only call of a clearing function makes its interval never-cleared', () => {
    const text = 'const t = setInterval(() => {}, 5);\nfunction stopIt() { clearInterval(t); }\nstopIt();\n';
    const sf = parse('y.js', text, scriptKindFor('y.js'));
    const first = analyze(sf);
    assert.deepEqual(first.findings.map(f => f.rule), []);
    const i = text.indexOf('stopIt();');
    const second = analyze(reparse(sf, [{ start: i, end: i + 'stopIt();\n'.length, newText: '' }]), first);
    assert.deepEqual(second.findings.map(f => f.rule), ['never-cleared']);
  });

  it('async-overlap verdicts (kept per callback node) and named callbacks (indexed per statement) follow edits', () => {
    // The interval's callback is a function declared in another statement: editing that statement (a guard
    // added, the await removed, a second declaration of the name before it) must change the verdict, and
    // the unchanged interval statement, whose facts are reused, must be judged again with the new function.
    const text = 'let busy = false;\nfunction poll() { return 1; }\nasync function tick() { await poll(); }\n'
      + 'setInterval(tick, 100);\nclass Job { start() { this.t = setInterval(async () => { await poll(); }, 50); } }\n';
    const rules = (t: string) => analyzeText('ov.ts', t).findings.filter(f => f.rule === 'async-overlap').length;
    assert.equal(rules(text), 2, 'both intervals are reported before the edits');
    const guard = 'if (busy) return; busy = true; ';
    const { steps } = check('ov.ts', text, [
      at('await poll(); }\nsetInterval', guard),
      t => { const i = t.indexOf(guard); return { start: i, end: i + guard.length, newText: '' }; },
      at('await poll(); }\nsetInterval', '', 'await '.length),
      at('async function tick', 'async function tick() { await poll(); }\n'),
      t => { const i = t.indexOf('async function tick() { await poll(); }\n'); return { start: i, end: i + 'async function tick() { await poll(); }\n'.length, newText: '' }; },
      at('tick() { poll', 'tock', 'tick'.length),
      at('async () => { await poll(); }', 'if (busy) return; busy = true; ', 0),
      at('{ await poll(); }, 50', '{ if (busy) return; busy = true; await poll(); }, 50', '{ await poll(); }, 50'.length),
    ]);
    assert.equal(steps, 8);
  });

  it('reuses unchanged statements (an edit in one function does not change the others\' site objects)', () => {
    const text = 'function a() { return setTimeout(f, 1); }\nfunction b() { const t = setInterval(g, 2); clearInterval(t); }\n';
    const sf = parse('x.js', text, scriptKindFor('x.js'));
    const first = analyze(sf);
    const i = text.indexOf('1)');
    const second = analyze(reparse(sf, [{ start: i, end: i + 1, newText: '10' }]), first);
    assert.notEqual(second.facts.sites[0], first.facts.sites[0], 'the edited statement was walked again');
    assert.equal(second.facts.sites[1], first.facts.sites[1], 'the untouched statement was reused');
    assert.equal(second.sites[0].delayMs, 10);
    assert.equal(second.sites[1].line, 2);
  });
});
