/**
 * A timer whose callback is running is off Node's lists (an interval is re-inserted only after its callback
 * returns): a snapshot taken meanwhile must still list it, since it is the timer blocking the loop.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { takeSnapshot } from '../../../src/inspector/snapshot';
import { countAt } from '../../helpers/snapshots';
import { repoRoot, startTarget } from '../../helpers/targets';

const programs = path.join(repoRoot, 'test', 'fixtures', 'programs');

test('a snapshot taken while an interval callback blocks the loop lists that interval', async t => {
  const target = await startTarget(t, 'busyInterval.js', { cwd: programs });
  const conn = await target.connect();
  // Printed as the callback starts: from here on it runs for 3 s, off the timer list.
  await target.waitForOutput(/hogging/);
  const snap = await takeSnapshot(conn);
  assert.equal(countAt(snap, 'busyInterval.js', 8, 'interval'), 1, JSON.stringify(snap.sites));
  assert.equal(countAt(snap, 'busyInterval.js', 9, 'timeout'), 1);
  const hog = snap.timers.find(x => x.kind === 'interval')!;
  assert.equal(hog.callback?.name, 'hog');
  assert.equal(hog.refed, true);
});
