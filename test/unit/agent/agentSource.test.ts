/** The agent bundle as the host injects it: plain ASCII (Node's inspector drops worker messages with multi-byte characters). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentSource } from '../../../src/inspector/agentHost';

test('the injected agent source is ASCII only and still evaluates to the same agent', () => {
  const src = agentSource();
  assert.ok(/^[\x00-\x7f]*$/.test(src), `non-ASCII at ${src.search(/[^\x00-\x7f]/)}`);
  assert.match(src, /sourceURL=timerscope-agent\.js/);
  // Compiles: escaping a character may never break the script.
  assert.doesNotThrow(() => new Function(src));
});
