/**
 * `watch --launch` on the oldest supported Node versions: the program starts under --inspect-brk and the
 * agent goes in at its first line. Node 16 aborts (a native assertion kills the program) when
 * `process.cwd()` is evaluated before its bootstrap has run, so nothing may be evaluated before the pause.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WatchReport } from '../../../src/shared/findings';
import { runCli } from '../../helpers/cli';
import { nodeBinary } from '../../helpers/testEnv';
import { fixture, siteAt, tagAt } from './liveHelpers';

const file = fixture('live-basic.js');

for (const major of [16, 18] as const) {
  const node = nodeBinary(major);
  test(`watch --launch on Node ${major}: the program survives the attach and its busy interval is measured`, {
    skip: !node && `Node ${major} is not installed (scripts/setup-test-env.sh)`,
  }, async () => {
    const res = await runCli(['watch', '--launch', '--duration', '2s', '--json', '--', node!, file]);
    assert.equal(res.code, 0, res.stderr);
    assert.doesNotMatch(res.stderr, /Assertion|internal error/);
    const r = JSON.parse(res.stdout) as WatchReport;
    assert.match(r.process!.nodeVersion, new RegExp(`^v${major}\\.`));
    const busy = tagAt(file, 'busy');
    const s = siteAt(r, file, busy.line);
    assert.equal(s.kind, 'interval');
    assert.ok(s.fired >= 5, `fired ${s.fired}`);
    assert.ok(s.callbackMs.p50 >= 15, `callback p50 ${s.callbackMs.p50} ms for a ~20 ms busy loop`);
  });
}
