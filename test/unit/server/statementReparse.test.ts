/**
 * The one-statement re-parse (src/server/analysis/statementReparse.ts) must give the very tree a full parse
 * of the new text gives: same node kinds, positions, flags, parent pointers and line map, after every edit
 * of every fixture and of the benchmark's 10,000-line corpus. Edits that could change statement
 * boundaries (ASI, an opened comment/string/template, a second statement) must fall back.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { parse, reparse, scriptKindFor, type TextEdit } from '../../../src/server/analysis/parse';
import { reparseStatement } from '../../../src/server/analysis/statementReparse';
import { generateSource } from '../../../bench/fixtures/lspCorpus';
import { FIXTURES } from './lspClient';

// Caches TypeScript fills in lazily (containsParseError), not parse results.
const LAZY_FLAGS = (ts.NodeFlags as unknown as Record<string, number>).HasAggregatedChildData | (ts.NodeFlags as unknown as Record<string, number>).ThisNodeOrAnySubNodesHasError;

/** Every node (JSDoc included) as kind, range and flags, with a check that each child points at its parent. */
function dump(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node, parent: ts.Node): void => {
    assert.equal(n.parent, parent, `parent of ${ts.SyntaxKind[n.kind]} at ${n.pos}`);
    out.push(`${ts.SyntaxKind[n.kind]} ${n.pos}-${n.end} ${n.flags & ~LAZY_FLAGS}${ts.isIdentifier(n) ? ` ${n.text}` : ''}`);
    for (const d of (n as { jsDoc?: ts.Node[] }).jsDoc ?? []) visit(d, n);
    ts.forEachChild(n, c => visit(c, n), list => { out.push(`[${list.pos}-${list.end}]`); for (const c of list) visit(c, n); });
  };
  ts.forEachChild(sf, c => visit(c, sf), list => { out.push(`[${list.pos}-${list.end}]`); for (const c of list) visit(c, sf); });
  return out;
}

/** Applies the edit the server's way; returns whether the one-statement path took it. Asserts the tree equals a fresh parse. */
function step(name: string, sf: ts.SourceFile, e: TextEdit): { sf: ts.SourceFile; quick: boolean } {
  const quick = reparseStatement(sf, e);
  const next = quick ?? reparse(sf, [e]);
  const fresh = parse(name, next.text, scriptKindFor(name));
  assert.equal(next.text, sf.text.slice(0, e.start) + e.newText + sf.text.slice(e.end));
  assert.equal(next.end, fresh.end);
  assert.deepEqual(next.getLineStarts(), fresh.getLineStarts(), `${name}: line map after ${JSON.stringify(e)}`);
  assert.deepEqual(dump(next), dump(fresh), `${name}: tree after ${JSON.stringify(e)} (${quick ? 'statement' : 'TypeScript'} re-parse)`);
  assert.equal(next.getLineAndCharacterOfPosition(next.end).line, fresh.getLineAndCharacterOfPosition(fresh.end).line);
  return { sf: next, quick: !!quick };
}

/** Typing and deleting inside the bodies of timer calls and functions, plus edits that must fall back. */
function editsFor(): ((t: string) => TextEdit | undefined)[] {
  const edits: ((t: string) => TextEdit | undefined)[] = [];
  const nth = (needle: string, k: number) => (t: string) => { let i = -1; for (let j = 0; j <= k; j++) { i = t.indexOf(needle, i + 1); if (i < 0) return -1; } return i; };
  for (let k = 0; k < 6; k++) {
    const call = nth('setInterval(', k), ret = nth('return', k);
    edits.push(t => { const i = call(t); return i < 0 ? undefined : { start: i + 12, end: i + 12, newText: '/* x */ ' }; });
    edits.push(t => { const i = t.indexOf('/* x */ '); return i < 0 ? undefined : { start: i, end: i + 8, newText: '' }; });
    edits.push(t => { const i = ret(t); return i < 0 ? undefined : { start: i, end: i, newText: 'void 0;\n' }; });
    edits.push(t => { const i = t.indexOf('void 0;\n'); return i < 0 ? undefined : { start: i, end: i + 8, newText: '' }; });
  }
  // Boundary changes: a second statement, an opened comment, template and string; then undone.
  for (const open of [';\nfoo()', '/*', '`', "'"]) {
    edits.push(t => { const i = ret0(t); return i < 0 ? undefined : { start: i, end: i, newText: open }; });
    edits.push(t => { const i = t.indexOf(open, Math.max(0, ret0(t) - open.length - 1)); return i < 0 ? undefined : { start: i, end: i + open.length, newText: '' }; });
  }
  return edits;
}
const ret0 = (t: string) => { const i = t.indexOf('return', Math.floor(t.length / 2)); return i < 0 ? t.indexOf('return') : i; };

describe('one-statement re-parse equals a full parse', () => {
  const files = ['rules', 'cases', 'fixes'].flatMap(d => readdirSync(join(FIXTURES, d)).filter(f => !f.endsWith('.md')).map(f => join(d, f)));
  let quickTotal = 0;

  for (const rel of files) {
    it(rel, () => {
      const text = readFileSync(join(FIXTURES, rel), 'utf8');
      let sf = parse(rel, text, scriptKindFor(rel));
      for (const make of editsFor()) {
        const e = make(sf.text);
        if (!e) continue;
        const r = step(rel, sf, e);
        sf = r.sf;
        if (r.quick) quickTotal++;
      }
    });
  }

  it('the statement path took edits of the fixtures (not only the fallback)', () => {
    assert.ok(quickTotal > files.length, `${quickTotal} edits of ${files.length} files took the statement path`);
  });

  it('the benchmark corpus: one-character edits inside functions take the statement path', () => {
    let sf = parse('big.ts', generateSource(2000), ts.ScriptKind.TS);
    let quick = 0;
    for (let i = 0; i < 16; i++) {
      // Type an `x` after the k-th `const now`, then delete it again.
      let at = -1;
      for (let k = 0; k <= i >> 1; k++) at = sf.text.indexOf('const now', at + 1);
      assert.ok(at >= 0, 'the corpus has 8 such lines');
      at += 'const now'.length;
      const r = step('big.ts', sf, { start: at, end: i % 2 ? at + 1 : at, newText: i % 2 ? '' : 'x' });
      sf = r.sf;
      if (r.quick) quick++;
    }
    assert.equal(quick, 16);
  });

  const fallsBack = (name: string, text: string, needle: string, newText: string, replace = 0) => {
    const sf = parse(name, text, scriptKindFor(name));
    const i = text.indexOf(needle);
    assert.ok(i >= 0, needle);
    const e = { start: i, end: i + replace, newText };
    assert.equal(reparseStatement(sf, e), undefined, `${JSON.stringify(text)}: ${JSON.stringify(e)} must fall back`);
    step(name, sf, e); // and TypeScript's re-parse still gives the full parse's tree
  };

  it('falls back when the statement or the one before it could be continued by the next token (ASI)', () => {
    // Removing the `;` makes `a = b\n(c)` one call expression.
    fallsBack('a.js', 'let a, b, c;\na = b;\n(c);\n', ';\n(c)', '', 1);
    // The statement before has no `;`: a new first token `(` would continue it.
    fallsBack('a.js', 'let a, b, c;\na = b\nc;\n', 'c;\n', '(c)', 1);
    // Without its `;`, `const f = function () {}` is called by the next line.
    fallsBack('a.js', 'const f = function () { g(); };\n(h);\n', '};', '}', 2);
    fallsBack('a.ts', 'type A = B;\ntype C = D;\n', 'B;', 'B', 2);
  });

  it('falls back for edits that cross statements, change module syntax, or open comments, strings and templates', () => {
    fallsBack('a.js', 'f();\ng();\n', '();\ng', ');\n(g', 4);
    fallsBack('a.js', 'f();\ng();\n', 'f();', 'f(); h();', 4);
    fallsBack('a.js', 'function f() { return 1; }\ng();\n', 'return', '/*');
    fallsBack('a.js', 'function f() { return 1; }\ng();\n', 'return', '`');
    fallsBack('a.ts', 'export function f() { return 1; }\ng();\n', 'export ', '', 7);
    fallsBack('a.js', 'f();\ng();\n', 'g()', 'import.meta.g()', 3);
    fallsBack('a.ts', 'function f() { return 1; }\ng();\n', 'function', 'export ');
    fallsBack('a.js', 'function f() { return 1 }\ng();\n', '1 }', '1 + ', 2); // a parse error (the old tree has none)
    fallsBack('a.js', '// @ts-check\nfunction f() { return 1; }\n', '@ts-check', '@ts-nocheck', 9);
  });

  it('edits inside exported declarations keep the file a module', () => {
    const text = "export function f() { return 1; }\nexport class C { m() { return 2; } }\n";
    let sf = parse('m.ts', text, ts.ScriptKind.TS);
    for (const [needle, add] of [['1;', ' + 1'], ['2;', ' * 3']]) {
      const r = step('m.ts', sf, { start: sf.text.indexOf(needle) + 1, end: sf.text.indexOf(needle) + 1, newText: add });
      assert.ok(r.quick, needle);
      sf = r.sf;
      assert.equal((sf as unknown as { externalModuleIndicator: ts.Node }).externalModuleIndicator, sf.statements[0]);
    }
  });

  it('CRLF line ends and typed line breaks keep the line map of a full parse', () => {
    let sf = parse('c.js', 'let t;\r\nfunction f() {\r\n  t = setInterval(g, 5);\r\n}\r\nfunction h() { clearInterval(t); }\r\n', ts.ScriptKind.JS);
    for (const [needle, add] of [['  t =', '\r\n'], ['g, 5', '\n  '], ['clearInterval', '\u2028']]) {
      const i = sf.text.indexOf(needle);
      const r = step('c.js', sf, { start: i, end: i, newText: add });
      assert.ok(r.quick, JSON.stringify(add));
      sf = r.sf;
    }
  });

  it('keeps top-level await parsing the same in a module', () => {
    const text = "import { x } from './x';\nawait x;\nfunction f() { return 1; }\n";
    let sf = parse('m.ts', text, ts.ScriptKind.TS);
    const i = text.indexOf('await x');
    sf = step('m.ts', sf, { start: i + 7, end: i + 7, newText: '.y' }).sf;
    assert.ok(ts.isAwaitExpression((sf.statements[1] as ts.ExpressionStatement).expression));
  });
});
