/**
 * Through js-debug's CDP proxy Timerscope shares the debugger's own session. A real target stands in for it:
 * our connection enables the Debugger first (as js-debug has), then snapshots. Marked as a proxy
 * connection, the snapshot still resolves its sites (script URLs from a private in-target session) and
 * leaves the Debugger enabled; unmarked (a direct connection) it switches the Debugger off again — which is
 * what would have dropped the user's breakpoints.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { markJsDebugProxy, listScriptsInProcess } from '../../../src/inspector/scriptCatalog';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import { repoRoot, startTarget } from '../../helpers/targets';

const fixture = join(repoRoot, 'test', 'fixtures', 'programs', 'plainInterval.js');

async function debuggerEnabled(client: import('chrome-remote-interface').Client): Promise<boolean> {
  // Answers "Debugger agent is not enabled" when it is off (setBreakpointsActive would not: it succeeds either way).
  return client.Debugger.setBreakpointByUrl({ lineNumber: 0, urlRegex: 'timerscope-matches-no-script' }).then(
    r => client.Debugger.removeBreakpoint({ breakpointId: r.breakpointId }).then(() => true),
    () => false,
  );
}

test('proxy connection: sites resolved, shared Debugger left on', async t => {
  const target = await startTarget(t, fixture);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  t.after(() => conn.close());
  await conn.client.Debugger.enable({});
  assert.equal(await debuggerEnabled(conn.client), true, 'the probe sees an enabled Debugger');
  markJsDebugProxy(conn.client);
  const scripts = await listScriptsInProcess(conn.client);
  assert.ok(scripts?.some(s => s.url.endsWith('plainInterval.js')), 'the private session lists the user script');
  const snap = await takeSnapshot(conn);
  const site = snap.sites.find(s => s.file.endsWith('plainInterval.js'));
  assert.ok(site, `site resolved: ${JSON.stringify(snap.sites)}`);
  assert.equal(site.line, 3);
  assert.equal(site.kind, 'interval');
  assert.equal(await debuggerEnabled(conn.client), true, 'the Debugger domain of the shared session is still on');
});

test('direct connection (the hazard the proxy path avoids): the snapshot turns the Debugger off', async t => {
  const target = await startTarget(t, fixture);
  await target.waitForOutput(/ready/);
  const conn = await target.connect();
  t.after(() => conn.close());
  await conn.client.Debugger.enable({});
  const snap = await takeSnapshot(conn);
  // Worse still: V8 replays no scriptParsed for an enable on an enabled session, so nothing resolves either.
  assert.ok(!snap.sites.some(s => s.file.endsWith('plainInterval.js')), JSON.stringify(snap.sites));
  assert.equal(await debuggerEnabled(conn.client), false);
});
