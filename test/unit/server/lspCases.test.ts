/**
 * The real-world cases of ../shared/cases, analysed statically by the real server over stdio. The
 * sources are copied under test/fixtures/lsp/cases (see its README). What each case's README and
 * expected.json say about a site decides what the language server must report there:
 * a leak site → the matching rule on its creation line; unref'd, cleared, refreshed or intentional
 * timers → nothing.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { lineRules, LspClient } from './lspClient';

type Case = { file: string; findings: string[]; lens?: Record<number, RegExp>; why: string };

const CASES: Case[] = [
  { file: 'case01-port-lease.js', findings: ['12:discarded-handle'], lens: { 12: /^interval 15000 ms · handle discarded/ },
    why: '01: module-level ref\'d setInterval at lib/port-lease.js:12 that nothing can clear (leakSites)' },
  { file: 'case01-target.js', findings: [], why: '01: the consumer only has the unref\'d watchdog (target.js:31)' },
  { file: 'case03-conn-tracker.js', findings: [], lens: { 8: /unref'd/, 15: /unref'd/ },
    why: '03: both timers are unref\'d on purpose: reporting them is the false positive the case is about' },
  { file: 'case03-target.js', findings: [], why: '03: the 60 s stop timer and the watchdog are unref\'d' },
  { file: 'case04-target.js', findings: ['24:per-request'], lens: { 24: /per request · handle discarded/, 56: /one-shot/ },
    why: '04: one setInterval per POST /beacons/register at target.js:24, handle discarded (leakSites); wave timers are one-shots' },
  { file: 'case05-ttl-cache.ts', findings: [], lens: { 30: /^interval \(opts\.checkPeriodMs\) · cleared in close\(\)$/ },
    why: '05: TtlCache clears its interval in close(); the leak is the caller dropping instances, invisible to one file' },
  { file: 'case05-ttl-cache-no-close.ts', findings: ['30:never-cleared'],
    why: '05 variant: the same class without close() has no clearing method for ttl-cache.ts:30' },
  { file: 'case05-target.ts', findings: [], why: '05: target.ts has a one-shot and the unref\'d watchdog' },
  { file: 'case07-target.js', findings: [], lens: { 21: /runs until process\.exit/, 28: /runs until process\.exit/ },
    why: '07: "no leak: every timer here is intentional" (the problem is callback duration, a runtime fact)' },
  { file: 'case11-target.js', findings: ['11:timers-promises-leak', '19:timers-promises-leak'], lens: { 26: /closed by for await/, 33: /not iterated yet/ },
    why: '11: iterators A (:11) and B (:19) are abandoned after next(); C (for await…break) and D (never iterated) are fine' },
  { file: 'case12-target.js', findings: ['21:discarded-handle', '26:clear-mismatch', '31:clear-mismatch'],
    lens: { 37: /cleared in stop\(\)/, 69: /cleared in callback/ },
    why: '12: BuggyIdleGuard.arm discards the Timeout (:21) and its clearTimeout calls (:26, :31) are no-ops; IdleGuard (:37) and the pinger (:69) are healthy' },
  { file: 'case13-target.js', findings: [], why: '13: main thread has no live user timers; the per-task timeouts are cleared on message' },
  { file: 'case13-worker-a.js', findings: ['7:discarded-handle'], why: '13: worker-a.js:7 interval never cleared keeps the worker alive' },
  { file: 'case13-worker-b.js', findings: ['7:discarded-handle'], why: '13: worker-b.js:7 polls forever' },
  { file: 'case13-worker-c.js', findings: [], why: '13: worker C is well behaved (one-shot)' },
  // worker-d.js's interval also never stops (its thread never ends); that the Worker is unref'd in
  // target.js, so it does not hold the process, is a cross-file and runtime fact the live view shows.
  { file: 'case13-worker-d.js', findings: ['6:discarded-handle'], why: '13: worker-d.js:6 runs forever inside an unref\'d worker' },
];

describe('shared cases: static findings over stdio', () => {
  let client: LspClient;
  before(async () => { client = await LspClient.start(); });
  after(async () => { assert.equal(await client.shutdown(), 0); });

  for (const c of CASES) {
    it(`${c.file}: ${c.why}`, async () => {
      const { uri } = await client.openFixture(`cases/${c.file}`);
      assert.deepEqual(lineRules(await client.diagnostics(uri)), [...c.findings].sort());
      const lenses = await client.codeLenses(uri);
      for (const [line, re] of Object.entries(c.lens ?? {})) {
        const onLine = lenses.filter(l => l.range.start.line + 1 === Number(line));
        assert.equal(onLine.length, 1, `one lens on line ${line}`);
        assert.match(onLine[0].command!.title, re);
      }
      await client.close(uri);
    });
  }
});
