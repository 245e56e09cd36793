/** The "Attach to Node Process…" quick pick's list, from real processes on this machine. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { listNodeProcesses } from '../../../src/ui/processList';
import { repoRoot, startTarget } from '../../helpers/targets';

const fixture = join(repoRoot, 'test', 'fixtures', 'programs', 'plainInterval.js');

test('lists Node processes with their inspector state, not our own process', async t => {
  const withInspector = await startTarget(t, fixture);
  const plain = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.after(() => void plain.kill());
  await new Promise(r => plain.stdout!.once('data', r));
  const procs = await listNodeProcesses();
  const a = procs.find(p => p.pid === withInspector.child.pid);
  const b = procs.find(p => p.pid === plain.pid);
  assert.ok(a && b, 'both listed');
  assert.deepEqual(a.inspector, { enabled: true, host: '127.0.0.1', port: 0 });
  assert.equal(b.inspector.enabled, false);
  assert.ok(b.argv.some(x => x.endsWith('plainInterval.js')));
  assert.equal(b.editorOwn, false);
  assert.ok(!procs.some(p => p.pid === process.pid), 'our own process (the extension host) is left out');
});
