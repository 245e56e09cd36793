/**
 * Each rule over the real server (stdio): every fixture under test/fixtures/lsp/rules carries
 * `// expect: <rule>` on each line that must be reported; the server must publish exactly those
 * line/rule pairs (so the negatives in the same files, and all of clean-idioms.ts, stay quiet).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { expectedMarkers, FIXTURES, lineRules, LspClient } from './lspClient';

const RULE_IDS = ['discarded-handle', 'never-cleared', 'per-request', 'async-overlap', 'clear-mismatch', 'timers-promises-leak'];
const files = readdirSync(join(FIXTURES, 'rules')).sort();

describe('language server rules over stdio', () => {
  let client: LspClient;
  before(async () => { client = await LspClient.start(); });
  after(async () => { assert.equal(await client.shutdown(), 0); });

  for (const file of files) {
    it(`${file}: exactly the expected line/rule pairs`, async () => {
      const { uri, text } = await client.openFixture(`rules/${file}`);
      const want = expectedMarkers(text);
      const ds = await client.diagnostics(uri);
      assert.deepEqual(lineRules(ds), want);
      for (const d of ds) {
        assert.equal(d.source, 'timerscope');
        assert.equal(d.severity, DiagnosticSeverity.Warning, 'default level is warning');
        assert.match(d.codeDescription?.href ?? '', new RegExp(`language-server\\.md#${String(d.code)}$`));
        assert.ok(typeof d.message === 'string' && d.message.length > 40, `message explains the fault: ${String(d.message)}`);
        // The range is the callee (or clear call) on the reported line, never an empty or multi-line span.
        assert.equal(d.range.start.line, d.range.end.line);
        assert.ok(d.range.end.character > d.range.start.character);
      }
      await client.close(uri);
    });
  }

  it('every rule has positives (and negatives share the files)', () => {
    const all = new Set<string>();
    for (const f of files) {
      for (const m of expectedMarkers(readFileSync(join(FIXTURES, 'rules', f), 'utf8'))) all.add(m.slice(m.indexOf(':') + 1));
    }
    assert.deepEqual([...all].sort(), [...RULE_IDS].sort());
  });

  for (const file of ['clean-idioms.ts', 'clean-idioms.mjs']) {
    it(`${file}: clean idioms (finally, AbortSignal, unref, using) produce no diagnostics`, async () => {
      const { uri, text } = await client.openFixture(`rules/${file}`);
      assert.deepEqual(expectedMarkers(text), []);
      assert.deepEqual(await client.diagnostics(uri), []);
      // ...and they are still seen: every timer call there has a lens.
      const calls = text.match(/\b(setInterval|setTimeout|setImmediate|every|sleep)\(/g)?.length ?? 0;
      assert.equal((await client.codeLenses(uri)).length, calls);
    });
  }
});
