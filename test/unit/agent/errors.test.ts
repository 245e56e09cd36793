/**
 * Errors thrown from timer callbacks with no handler: the process dies the same way with the agent (same
 * exit code, same message and source excerpt, same user frames). The one visible difference is documented
 * and pinned here: the agent's trampoline adds one `timerscope-agent.js` frame, and V8 no longer prints the
 * `[as _onTimeout]` method alias of the user's frame (the callback is not an own property while tracked).
 * (Errors with an uncaughtException handler are covered by the transparency scenario.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runFixture } from './childRun';

/** stderr of a crash without the agent's frame and without the method alias V8 adds from own properties. */
function normalized(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter(l => !l.includes('timerscope-agent.js'))
    .map(l => l.replace(/ \[as _onTimeout\]/, '').replace(/at Timeout\._onTimeout \(/, 'at Timeout.<anonymous> ('));
}

for (const kind of ['throw', 'reject'] as const) {
  test(`a callback that ${kind === 'throw' ? 'throws' : 'rejects'}: same exit code, message, excerpt and user frames`, async () => {
    const without = await runFixture('crash.js', ['none', kind]);
    const withAgent = await runFixture('crash.js', ['agent', kind]);
    assert.equal(without.code, 1, without.stderr);
    assert.equal(withAgent.code, without.code);
    assert.equal(withAgent.signal, without.signal);
    const message = kind === 'throw' ? 'Error: boom from a timer' : 'Error: rejected from a timer';
    assert.ok(withAgent.stderr.includes(message), withAgent.stderr);
    assert.deepEqual(normalized(withAgent.stderr), normalized(without.stderr));
    // The pinned difference: exactly one agent frame, right below the user's frame.
    const frames = withAgent.stderr.split('\n').filter(l => l.trim().startsWith('at '));
    assert.equal(frames.filter(l => l.includes('timerscope-agent.js')).length, 1, withAgent.stderr);
    assert.ok(frames[1].includes('timerscope-agent.js'), withAgent.stderr);
  });
}
