/**
 * The snapshot engine on every supported Node major (16, 18, 20, 22, 24), for CommonJS and ESM-only programs:
 * Node's timer internals differ between versions, so each one is checked against a real process.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import { describeSites, sitesAt } from '../../helpers/snapshots';
import { nodeBinary, missingEnvMessage } from '../../helpers/testEnv';
import { repoRoot, startTarget, until } from '../../helpers/targets';

const versions: { major: number; node: string | undefined }[] = [
  { major: 20, node: process.execPath },
  ...([16, 18, 22, 24] as const).map(major => ({ major, node: nodeBinary(major) })),
];

for (const { major, node } of versions) {
  for (const ext of ['js', 'mjs']) {
    test(`Node ${major}, ${ext === 'js' ? 'CommonJS' : 'ESM'}: kinds, ref state, bound callbacks, immediates and lines`, { skip: !node && missingEnvMessage(`Node ${major}`) }, async t => {
      const file = `variety.${ext}`;
      const target = await startTarget(t, path.join(repoRoot, 'test', 'fixtures', 'programs', file), { node, cwd: path.join(repoRoot, 'test', 'fixtures', 'programs') });
      await target.waitForOutput(/ready/);
      const conn = await target.connect();
      // An immediate is only queued between two turns of the spin: wait until a snapshot catches one.
      const snap = await until('a snapshot with the spinning immediate', async () => {
        const s = await takeSnapshot(conn);
        return s.sites.some(x => x.kind === 'immediate') ? s : undefined;
      }, 10000, 20);
      assert.equal(snap.method, 'timer-lists');
      assert.match(snap.process.nodeVersion, new RegExp(`^v${major}\\.`));
      const poll = sitesAt(snap, file, 2, 'interval');
      assert.equal(poll.length, 1, describeSites(snap));
      assert.deepEqual([poll[0].column, poll[0].count, poll[0].refed, poll[0].delayMs, poll[0].callbackName], [1, 1, 1, 1000, 'poll']);
      const later = sitesAt(snap, file, 3, 'timeout');
      assert.deepEqual([later[0]?.column, later[0]?.refed, later[0]?.delayMs], [1, 0, 50000]);
      const bound = sitesAt(snap, file, 4, 'interval');
      assert.equal(bound.length, 1, describeSites(snap));
      assert.equal(bound[0].column, 46, 'creation site of this.tick.bind(this)');
      assert.equal(bound[0].callbackName, 'bound tick');
      const immediate = sitesAt(snap, file, 6, 'immediate');
      assert.equal(immediate.length, 1, describeSites(snap));
      assert.equal(immediate[0].column, 19);
      const ids = snap.timers.map(x => x.id);
      assert.equal(new Set(ids).size, ids.length, 'every timer listed once');
      assert.ok(ids.every(id => id > 0), 'async ids read');
    });
  }
}
