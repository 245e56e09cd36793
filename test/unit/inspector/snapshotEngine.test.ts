/**
 * Engine behaviours beyond the cases: chunking, the queryObjects fallback, a target that dies mid-way, no side
 * effects, script URLs remembered across connections.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../../src/common/errors';
import type { TargetConnection } from '../../../src/inspector/connect';
import { fileScriptUrlCache } from '../../../src/inspector/scriptUrlCache';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import type { Snapshot } from '../../../src/shared/snapshot';
import { countAt } from '../../helpers/snapshots';
import { repoRoot, startTarget } from '../../helpers/targets';

const programs = path.join(repoRoot, 'test', 'fixtures', 'programs');

test('small chunks read every timer exactly once, with closures grouped by location', async t => {
  const target = await startTarget(t, 'manyTimers.js', { cwd: programs, env: { COUNT: '3000' } });
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  let chunks = 0;
  const snap = await takeSnapshot(conn, { chunkSize: 250, onProgress: () => chunks++ });
  assert.ok(chunks >= 12, `read in ${chunks} chunks`);
  assert.equal(countAt(snap, 'manyTimers.js', 5, 'timeout'), 1500, 'named callback site');
  assert.equal(countAt(snap, 'manyTimers.js', 6, 'timeout'), 1500, '1500 distinct closures of one arrow, one site');
  assert.equal(new Set(snap.timers.map(x => x.id)).size, snap.timers.length);
});

test('the queryObjects fallback finds the same timers as the timer lists', async t => {
  const target = await startTarget(t, 'variety.js', { cwd: programs });
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const warnings: string[] = [];
  const viaLists = await takeSnapshot(conn);
  const viaQuery = await takeSnapshot(conn, { forceQueryObjects: true, onWarning: w => warnings.push(w) });
  assert.equal(viaQuery.method, 'query-objects');
  assert.match(warnings[0], /queryObjects.*full garbage collections/);
  const key = (s: { file: string; line: number; kind: string; count: number }) => `${s.kind}@${s.file}:${s.line}×${s.count}`;
  const timersOnly = (sites: typeof viaLists.sites) => sites.filter(s => s.kind !== 'immediate').map(key).sort();
  assert.deepEqual(timersOnly(viaQuery.sites), timersOnly(viaLists.sites));
});

test('a snapshot leaves the target as it was: no globals, same timers, still running', async t => {
  const target = await startTarget(t, 'variety.js', { cwd: programs });
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const globals = async () =>
    (await conn.client.Runtime.evaluate({ expression: 'Object.getOwnPropertyNames(globalThis).concat(Object.getOwnPropertySymbols(globalThis).map(String)).sort().join()', returnByValue: true })).result.value;
  const before = await globals();
  const a = await takeSnapshot(conn);
  const b = await takeSnapshot(conn);
  assert.equal(await globals(), before);
  const ids = (s: typeof a) => s.timers.filter(x => x.kind !== 'immediate').map(x => x.id).sort();
  assert.deepEqual(ids(b), ids(a));
  assert.equal(target.child.exitCode, null);
});

test('a target that exits during the snapshot gives a one-line error', async t => {
  const target = await startTarget(t, 'manyTimers.js', { cwd: programs, env: { COUNT: '20000' } });
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  let killed = false;
  await assert.rejects(
    takeSnapshot(conn, {
      chunkSize: 100,
      onProgress: () => {
        if (!killed) target.child.kill('SIGKILL');
        killed = true;
      },
    }),
    (err: unknown) => err instanceof UserError && /exited or closed its inspector during the snapshot/.test(err.message),
  );
});

/** The CDP methods a connection sends (the resolver enables the Debugger through `send`). */
function methodsOf(conn: TargetConnection): string[] {
  const methods: string[] = [];
  const send = conn.client.send.bind(conn.client) as (m: string, p?: object) => Promise<unknown>;
  (conn.client as unknown as { send: typeof send }).send = (m, p) => (methods.push(m), send(m, p));
  return methods;
}

test('a CommonJS program needs no Debugger domain: user files, bound callbacks and Node\'s own modules are identified', async t => {
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'examples', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const target = await startTarget(t, path.join(repoRoot, 'examples', 'dist', 'server.js'), { cwd: repoRoot });
  await target.waitForOutput(/12 logins and logouts served/);
  const conn = await target.connect();
  const sent = methodsOf(conn);
  const snap = await takeSnapshot(conn);
  assert.ok(!sent.includes('Debugger.enable'), sent.join(' '));
  assert.equal(countAt(snap, 'examples/src/sessions.ts', 22, 'interval'), 12, 'creation site inferred from the source read from disk');
  const heartbeat = snap.timers.find(x => x.location?.file === 'examples/src/sessions.ts')!;
  assert.deepEqual(heartbeat.generated && [heartbeat.generated.file, heartbeat.generated.line], ['examples/dist/sessions.js', 14], 'through its .map file');
  const internal = snap.timers.find(x => x.callback?.name === 'bound checkConnections');
  assert.match(internal?.location?.file ?? '', /^node:_http_server$/, 'a bound callback of Node\'s own http server');
  assert.equal(internal?.internal, true);
  assert.deepEqual(snap.handles.filter(h => h.type === 'HTTPServer').map(h => `${h.location?.file}:${h.location?.line}`), ['examples/src/server.ts:9']);
});

test('an ES module program needs no Debugger domain either: its modules are found among the project\'s files', async t => {
  const target = await startTarget(t, 'variety.mjs', { cwd: programs });
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const sent = methodsOf(conn);
  const snap = await takeSnapshot(conn);
  assert.ok(!sent.includes('Debugger.enable'), sent.join(' '));
  assert.equal(countAt(snap, 'variety.mjs', 2, 'interval'), 1);
  assert.equal(countAt(snap, 'variety.mjs', 4, 'interval'), 1, 'the bound interval at its creation site');
});

test('script URLs remembered from an earlier connection: a later connection needs no Debugger domain', async t => {
  const target = await startTarget(t, 'variety.mjs', { cwd: programs });
  await target.waitForOutput(/ready/);
  const cache = fileScriptUrlCache(mkdtempSync(path.join(tmpdir(), 'timerscope-scripts-')));
  // As for a program whose scripts cannot be identified from files (code transpiled in memory, say).
  const opts = { scriptCache: cache, identifyScripts: false };
  const a = await target.connect();
  const sentA = methodsOf(a);
  const first = await takeSnapshot(a, opts);
  assert.ok(sentA.includes('Debugger.enable'), 'the first connection asks the Debugger');
  const b = await target.connect();
  const sentB = methodsOf(b);
  const second = await takeSnapshot(b, opts);
  assert.ok(!sentB.includes('Debugger.enable'), `the second does not: ${sentB.join(' ')}`);
  const where = (s: Snapshot) => s.timers.filter(x => x.kind !== 'immediate').map(x => `${x.kind} ${x.location?.file}:${x.location?.line}:${x.location?.column} ${x.callback?.name}`).sort();
  assert.deepEqual(where(second), where(first));
  assert.equal(countAt(second, 'variety.mjs', 4, 'interval'), 1, 'the bound interval at its creation site, as before');
});
