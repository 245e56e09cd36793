/**
 * The language server's protocol surface over stdio: initialize, incremental didChange, versioned
 * diagnostics, code lenses (static facts, then live numbers merged into the same lens), quick fixes
 * applied to the text, the custom requests/notifications, per-rule severity from initializationOptions
 * and from workspace/configuration, close, shutdown/exit.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, TextDocumentSyncKind, type Diagnostic } from 'vscode-languageserver-protocol';
import { CallSitesRequest, LensCommand, LiveSitesNotification } from '../../../src/shared/lspProtocol';
import { GROWING } from '../../helpers/timerscopeUi';
import { applyEdits, FIXTURES, lineRules, LspClient } from './lspClient';

const severities = (ds: Diagnostic[]) => ds.map(d => `${d.range.start.line + 1}:${String(d.code)}:${d.severity}`).sort();

describe('language server session over stdio', () => {
  let client: LspClient;
  before(async () => { client = await LspClient.start(); });
  after(() => client.kill());

  it('initialize advertises incremental sync, code lenses and quick fixes', () => {
    const caps = client.init.capabilities;
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental });
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.equal(client.init.serverInfo?.name, 'timerscope-lsp');
  });

  it('incremental didChange: a ranged insert adds a finding, ranged edits in one change remove it', async () => {
    const uri = 'file:///virtual/edits.ts';
    await client.open(uri, 'export function f(): void {\n  console.log(1);\n}\n');
    assert.deepEqual(await client.diagnostics(uri), []);

    // Insert a discarded interval as line 2.
    const v2 = await client.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: '  setInterval(() => {}, 1000);\n' }]);
    const d2 = await client.diagnostics(uri, v2);
    assert.deepEqual(lineRules(d2), ['2:discarded-handle']);
    assert.deepEqual(d2[0].range, { start: { line: 1, character: 2 }, end: { line: 1, character: 13 } });
    assert.equal(client.text(uri).split('\n')[1], '  setInterval(() => {}, 1000);');

    // Two ranged edits in one notification, applied in order: change the period, then chain .unref().
    const v3 = await client.change(uri, [
      { range: { start: { line: 1, character: 24 }, end: { line: 1, character: 28 } }, text: '60_000' },
      { range: { start: { line: 1, character: 31 }, end: { line: 1, character: 31 } }, text: '.unref()' }, // position after the first edit
    ]);
    assert.equal(client.text(uri).split('\n')[1], '  setInterval(() => {}, 60_000).unref();');
    assert.deepEqual(await client.diagnostics(uri, v3), []);
    const lens = (await client.codeLenses(uri)).map(l => l.command!.title);
    assert.deepEqual(lens, ["interval 60000 ms · unref'd"]);

    // A burst of keystrokes: only the last version's diagnostics matter, and they match a fresh open.
    let v = v3;
    for (const ch of ['x', 'y', 'z']) v = await client.change(uri, [{ range: { start: { line: 2, character: 1 }, end: { line: 2, character: 1 } }, text: `\n// ${ch}` }]);
    const fromEdits = lineRules(await client.diagnostics(uri, v));
    const fresh = 'file:///virtual/edits-fresh.ts';
    await client.open(fresh, client.text(uri));
    assert.deepEqual(fromEdits, lineRules(await client.diagnostics(fresh)));

    // A full-text change replaces the document.
    const v4 = await client.change(uri, [{ text: 'const t = setInterval(() => {}, 5);\nconsole.log(t);\n' }]);
    assert.deepEqual(lineRules(await client.diagnostics(uri, v4)), ['1:never-cleared']);
  });

  it('code lenses: one per timer call, static facts, the reveal command with 1-based site arguments', async () => {
    const { uri } = await client.openFixture('cases/case01-port-lease.js');
    const lenses = await client.codeLenses(uri);
    assert.equal(lenses.length, 1);
    assert.deepEqual(lenses[0].range.start, { line: 11, character: 0 });
    assert.equal(lenses[0].command?.title, 'interval 15000 ms · handle discarded · never cleared');
    assert.equal(lenses[0].command?.command, LensCommand.id);
    assert.deepEqual(lenses[0].command?.arguments, [{ uri, line: 12, column: 1, kind: 'interval' }]);
  });

  for (const [fixture, expectedTitle] of [
    ['poller.ts', 'Store the handle in this.timer and clear it in a new dispose() method'],
    ['heartbeat.js', 'Store the handle in this.beatTimer and clear it in close()'],
    ['ticker.ts', 'Store the handle in this.onTickTimer and clear it in [Symbol.dispose]()'],
  ] as const) {
    it(`quick fix on ${fixture}: applying the preferred fix gives ${fixture.replace('.', '.fixed.')} and clears the finding`, async () => {
      const { uri, text } = await client.openFixture(`fixes/${fixture}`);
      const ds = await client.diagnostics(uri);
      assert.equal(ds.length, 1);
      const actions = await client.codeActions(uri, ds[0].range, ds);
      assert.deepEqual(actions.map(a => a.kind), ['quickfix', 'quickfix']);
      const preferred = actions.filter(a => a.isPreferred);
      assert.equal(preferred.length, 1);
      assert.equal(preferred[0].title, expectedTitle);
      assert.deepEqual(preferred[0].diagnostics, [ds[0]]);
      const fixed = applyEdits(text, preferred[0].edit!.changes![uri]);
      assert.equal(fixed, readFileSync(join(FIXTURES, 'fixes', fixture.replace('.', '.fixed.')), 'utf8'));
      const v = await client.change(uri, [{ text: fixed }]);
      assert.deepEqual(await client.diagnostics(uri, v), []);
    });
  }

  it('quick fix .unref() on a library interval (case 01) removes the diagnostic', async () => {
    const { uri, text } = await client.openFixture('cases/case01-port-lease.js');
    const ds = await client.diagnostics(uri);
    const actions = await client.codeActions(uri, ds[0].range, ds);
    const unref = actions.find(a => a.title.startsWith('Add .unref()'));
    assert.ok(unref, actions.map(a => a.title).join(', '));
    assert.equal(unref.isPreferred, true, 'no class to own the handle, so unref is the preferred fix');
    const fixed = applyEdits(text, unref.edit!.changes![uri]);
    assert.equal(fixed.split('\n')[14], '}, ROTATE_EVERY_MS).unref();');
    const v = await client.change(uri, [{ text: fixed }]);
    assert.deepEqual(await client.diagnostics(uri, v), []);
    assert.equal((await client.codeLenses(uri))[0].command?.title, "interval 15000 ms · unref'd");
  });

  it('no quick fixes are offered for diagnostics of other sources or rules without a safe fix', async () => {
    const { uri } = await client.openFixture('cases/case12-target.js');
    const ds = await client.diagnostics(uri);
    const mismatch = ds.filter(d => d.code === 'clear-mismatch');
    assert.equal(mismatch.length, 2);
    assert.deepEqual(await client.codeActions(uri, mismatch[0].range, mismatch), []);
    const foreign = { ...ds[0], source: 'eslint' };
    assert.deepEqual(await client.codeActions(uri, foreign.range, [foreign]), []);
  });

  it('live numbers arrive by notification, trigger a lens refresh and merge into the same lens', async () => {
    const { uri } = await client.openFixture('cases/case04-target.js');
    const staticLenses = await client.codeLenses(uri);
    const staticTitle = staticLenses.find(l => l.range.start.line === 23)!.command!.title;
    assert.equal(staticTitle, 'interval 2000 ms · per request · handle discarded');

    const before = client.refreshes;
    const params: LiveSitesNotification.Params = {
      files: [{ uri, sites: [
        { line: 24, column: 5, kind: 'interval', live: 1203, refed: 0, growing: true, created: 1203, cleared: 0, fired: 1204, latenessP99Ms: 18.4, callbackP99Ms: 4 },
        { line: 53, column: 3, kind: 'timeout', live: 1 },
      ] }],
    };
    await client.conn.sendNotification(LiveSitesNotification.type, params);
    await client.waitRefreshes(before + 1);
    const live = await client.codeLenses(uri);
    assert.equal(live.length, staticLenses.length + 1, 'one lens per static call, plus one for the live site with no static call');
    const line24 = live.filter(l => l.range.start.line === 23);
    assert.equal(line24.length, 1, 'one lens, not two');
    // The live part reads exactly like the extension's own lens (src/shared/liveText.ts, issue 4's format).
    assert.equal(line24[0].command!.title, `${staticTitle} — 1,203 live ↑ · 1,204 fired · p99 late 18 ms · cb p99 4 ms · unref'd`);
    assert.equal(live.find(l => l.range.start.line === 52)!.command!.title, 'timeout — 1 live');
    assert.match(line24[0].command!.title, GROWING, 'the e2e readers still recognise a growing live lens');

    // Detach: an empty full snapshot drops the live numbers again.
    await client.conn.sendNotification(LiveSitesNotification.type, { files: [], replace: true });
    await client.waitRefreshes(before + 2);
    assert.deepEqual((await client.codeLenses(uri)).map(l => l.command!.title), staticLenses.map(l => l.command!.title));
  });

  it('timerscope/callSites answers open documents from the buffer and other files from disk', async () => {
    const onDisk = pathToFileURL(join(FIXTURES, 'cases', 'case03-conn-tracker.js')).href;
    const r = await client.conn.sendRequest(CallSitesRequest.type, { uri: onDisk });
    assert.equal(r.version, null);
    assert.deepEqual(r.sites.map(s => [s.line, s.column, s.kind, s.delayMs, s.callbackName, s.facts.join(' · ')]), [
      [8, 17, 'interval', 10000, 'sweepDeadSockets', "interval 10000 ms · unref'd"],
      [15, 20, 'timeout', 120000, 'flushStats', "timeout 120000 ms · unref'd"],
    ]);
    const open = 'file:///virtual/open.js';
    await client.open(open, 'setTimeout(go, 10);\n');
    const o = await client.conn.sendRequest(CallSitesRequest.type, { uri: open });
    assert.equal(o.version, 1);
    assert.deepEqual(o.sites.map(s => [s.line, s.column, s.kind, s.delayMs]), [[1, 1, 'timeout', 10]]);
  });

  it('didClose clears the document\'s diagnostics', async () => {
    const { uri } = await client.openFixture('cases/case11-target.js');
    assert.equal((await client.diagnostics(uri)).length, 2);
    const n = client.published.get(uri)!.length;
    await client.close(uri);
    const last = await client.publishCount(uri, n + 1);
    assert.deepEqual(last.diagnostics, []);
  });

  it('shutdown then exit ends the server with code 0', async () => {
    assert.equal(await client.shutdown(), 0);
  });
});

describe('per-rule severity', () => {
  it('from initializationOptions (clients without workspace/configuration)', async () => {
    const client = await LspClient.start({
      initializationOptions: { settings: { rules: { 'per-request': 'off', 'discarded-handle': 'error', 'clear-mismatch': 'info' } } },
    });
    try {
      // per-request off: the generic discarded-handle finding on the same site shows, at error.
      const c4 = await client.openFixture('cases/case04-target.js');
      assert.deepEqual(severities(await client.diagnostics(c4.uri)), [`24:discarded-handle:${DiagnosticSeverity.Error}`]);
      const c12 = await client.openFixture('cases/case12-target.js');
      assert.deepEqual(severities(await client.diagnostics(c12.uri)), [
        `21:discarded-handle:${DiagnosticSeverity.Error}`,
        `26:clear-mismatch:${DiagnosticSeverity.Information}`,
        `31:clear-mismatch:${DiagnosticSeverity.Information}`,
      ]);
      // A pushed didChangeConfiguration replaces them.
      const n = client.published.get(c12.uri)!.length;
      await client.changeConfiguration({ timerscope: { rules: { 'clear-mismatch': 'off' } } });
      const p = await client.publishCount(c12.uri, n + 1);
      assert.deepEqual(severities(p.diagnostics), [`21:discarded-handle:${DiagnosticSeverity.Warning}`]);
      assert.equal(await client.shutdown(), 0);
    } finally {
      client.kill();
    }
  });

  it('a client that answers workspace/configuration with null keeps the initializationOptions levels', async () => {
    const client = await LspClient.start({
      configuration: () => null,
      initializationOptions: { settings: { rules: { 'timers-promises-leak': 'error' } } },
    });
    try {
      const { uri } = await client.openFixture('cases/case11-target.js');
      assert.deepEqual(severities(await client.diagnostics(uri)), [
        `11:timers-promises-leak:${DiagnosticSeverity.Error}`, `19:timers-promises-leak:${DiagnosticSeverity.Error}`,
      ]);
      assert.ok(client.configurationPulls >= 1, 'the server did ask');
      assert.equal(await client.shutdown(), 0);
    } finally {
      client.kill();
    }
  });

  it('pulled with workspace/configuration, re-pulled after didChangeConfiguration; codeLens.enabled', async () => {
    let section: unknown = { rules: { 'clear-mismatch': 'error', 'discarded-handle': 'info' } };
    const asked: unknown[] = [];
    const client = await LspClient.start({ configuration: item => { asked.push(item); return item.section === 'timerscope' ? section : null; } });
    try {
      const { uri } = await client.openFixture('cases/case12-target.js');
      assert.deepEqual(severities(await client.diagnostics(uri)), [
        `21:discarded-handle:${DiagnosticSeverity.Information}`,
        `26:clear-mismatch:${DiagnosticSeverity.Error}`,
        `31:clear-mismatch:${DiagnosticSeverity.Error}`,
      ]);
      assert.deepEqual(asked[0], { scopeUri: uri, section: 'timerscope' });
      assert.equal((await client.codeLenses(uri)).length, 5);

      section = { rules: { 'discarded-handle': 'off', 'clear-mismatch': 'bogus' }, codeLens: { enabled: false } };
      const pulls = client.configurationPulls;
      const n = client.published.get(uri)!.length;
      await client.changeConfiguration(null);
      await client.waitConfigurationPulls(pulls + 1);
      const p = await client.publishCount(uri, n + 1);
      // An invalid level falls back to the rule's default (warning).
      assert.deepEqual(severities(p.diagnostics), [`26:clear-mismatch:${DiagnosticSeverity.Warning}`, `31:clear-mismatch:${DiagnosticSeverity.Warning}`]);
      assert.deepEqual(await client.codeLenses(uri), []);
      assert.equal(await client.shutdown(), 0);
    } finally {
      client.kill();
    }
  });
});
