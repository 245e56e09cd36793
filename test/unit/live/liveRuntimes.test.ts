/** Live mode on ESM-only programs, on old Node (18) and in worker threads. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { nodeBinary } from '../../helpers/testEnv';
import { startTarget } from '../../helpers/targets';
import { fixture, reportWhere, siteAt, tagAt } from './liveHelpers';

const esm = fixture('live-esm.mjs');
const runtimes: [string, string | undefined][] = [
  ['default Node', process.execPath],
  ['Node 18', nodeBinary(18)],
  ['Node 22', nodeBinary(22)],
  ['Node 24', nodeBinary(24)],
];

for (const [label, node] of runtimes) {
  test(`live session on an ESM-only program (${label}: no require in the target)`, { skip: !node && `${label} is not installed (scripts/setup-test-env.sh)` }, async t => {
    const target = await startTarget(t, esm, { node });
    await target.waitForOutput(/ready/);
    const conn = await target.connect();
    const live = await startLiveSession(conn);
    const tick = tagAt(esm, 'tick');
    const after = tagAt(esm, 'after');
    const r = await reportWhere(live, 'both intervals fire', r =>
      r.sites.some(s => s.line === tick.line && s.fired >= 3) && r.sites.some(s => s.line === after.line && s.fired >= 3),
    );
    assert.deepEqual([siteAt(r, esm, tick.line).column, siteAt(r, esm, tick.line).callbackName], [tick.column, 'tick']);
    assert.deepEqual([siteAt(r, esm, after.line).column, siteAt(r, esm, after.line).delayMs], [after.column, 150]);
    assert.match(r.process!.nodeVersion, new RegExp(`^v${label.startsWith('Node ') ? label.slice(5) + '\\.' : ''}`));
    await live.stop();
    const left = await conn.client.Runtime.evaluate({ expression: 'typeof globalThis.__timerscopeAgent', returnByValue: true });
    assert.equal(left.result.value, 'undefined');
  });
}

test('live session: a worker thread is attached and its timers are labelled with its threadId', async t => {
  const file = fixture('live-worker.js');
  const target = await startTarget(t, file);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  const live = await startLiveSession(conn);
  const w = tagAt(file, 'worker');
  const r = await reportWhere(live, 'the worker interval fires', r => r.sites.some(s => s.line === w.line && s.fired >= 3));
  const site = siteAt(r, file, w.line);
  assert.ok((site.threadId ?? 0) >= 1, `labelled with the worker's thread: ${site.threadId}`);
  assert.deepEqual([site.kind, site.callbackName, site.delayMs], ['interval', 'inWorker', 100]);
  assert.ok(r.threads?.some(th => th.threadId === site.threadId && /live-worker\.js/.test(th.url)), JSON.stringify(r.threads));
  assert.equal(siteAt(r, file, tagAt(file, 'watchdog').line).threadId ?? 0, 0, 'the main thread timer is on thread 0');
  const { restored } = await live.stop();
  assert.ok(restored >= 2, `both threads restored: ${restored}`);
});
