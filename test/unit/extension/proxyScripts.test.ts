/**
 * Through js-debug's CDP proxy Timerscope shares the debugger's own session. A real target stands in for it:
 * our connection enables the Debugger first (as js-debug has), then snapshots. Marked as a proxy
 * connection, the snapshot still resolves its sites (script URLs from a private in-target session) and
 * never sends Debugger.enable/disable: a disable there would drop the user's breakpoints.
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
  const sent: string[] = [];
  const send = conn.client.send.bind(conn.client) as (...a: unknown[]) => Promise<unknown>;
  (conn.client as unknown as { send: typeof send }).send = (...a: unknown[]) => (sent.push(String(a[0])), send(...a));
  const scripts = await listScriptsInProcess(conn.client);
  assert.ok(scripts?.some(s => s.url.endsWith('plainInterval.js')), 'the private session lists the user script');
  const snap = await takeSnapshot(conn);
  const site = snap.sites.find(s => s.file.endsWith('plainInterval.js'));
  assert.ok(site, `site resolved: ${JSON.stringify(snap.sites)}`);
  assert.equal(site.line, 3);
  assert.equal(site.kind, 'interval');
  assert.deepEqual(sent.filter(m => m === 'Debugger.enable' || m === 'Debugger.disable'), [], 'never toggles the shared Debugger');
  assert.equal(await debuggerEnabled(conn.client), true, 'the Debugger domain of the shared session is still on');
});
