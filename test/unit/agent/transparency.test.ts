/**
 * Transparency of the in-target agent: the same timer scenario (fixtures/timerScenario.js: ordering,
 * `this`, arguments, errors, ref/unref/hasRef/refresh, Symbol.toPrimitive and numeric clears,
 * timers/promises, util.promisify, `require('timers')`, timers adopted at start and held past stop) gives
 * the same event log with the agent running as without it, on every installed Node; and after `stop()`
 * the prototype, the global object and every held timer look exactly as if the agent had never been there.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeBinary } from '../../helpers/testEnv';
import { runFixture } from './childRun';

type Summary = {
  hello: { adopted: number; protocol: number };
  restored: number;
  batches: number;
  fires: number;
  timers: number;
  sites: number;
  dropped: number;
  bye: string | null;
  seqOk: boolean;
};
type ScenarioResult = { log: Record<string, unknown[]>; checks: Record<string, boolean>; agent?: Summary };

async function scenario(mode: 'none' | 'agent', node?: string, env?: NodeJS.ProcessEnv): Promise<ScenarioResult> {
  const run = await runFixture<ScenarioResult>('runScenario.js', [mode], { node, env, timeoutMs: 60000 });
  assert.equal(run.code, 0, `scenario (${mode}) exited with ${run.code}:\n${run.stderr}`);
  assert.ok(run.result, `scenario (${mode}) printed no RESULT:\n${run.stdout}\n${run.stderr}`);
  return run.result;
}

function assertSameLog(withAgent: ScenarioResult, without: ScenarioResult) {
  // Channel by channel, so that a failure names the behaviour that changed.
  const channels = new Set([...Object.keys(withAgent.log), ...Object.keys(without.log)]);
  for (const ch of channels) {
    const [a, b] = [withAgent.log[ch], without.log[ch]].map(v => JSON.stringify(v));
    assert.deepEqual(withAgent.log[ch], without.log[ch], `channel '${ch}' differs with the agent:\n  with:    ${a}\n  without: ${b}`);
  }
}

function assertRestored(r: ScenarioResult) {
  for (const [name, ok] of Object.entries(r.checks)) assert.equal(ok, true, `check ${name} failed`);
  // Guards against a vacuous pass: the agent really tracked this run.
  const a = r.agent!;
  assert.ok(a.hello.adopted >= 1, `no timer adopted at start: ${JSON.stringify(a)}`);
  assert.ok(a.fires >= 50, `agent recorded only ${a.fires} fires`);
  assert.ok(a.sites >= 10, `agent found only ${a.sites} sites`);
  assert.ok(a.restored >= 5, `only ${a.restored} timers restored`);
  assert.equal(a.bye, 'test done');
  assert.equal(a.dropped, 0);
  assert.ok(a.seqOk, 'batch sequence numbers have gaps');
}

const nodes: [string, string | undefined][] = [
  [`node ${process.version} (default)`, undefined],
  ...([18, 22, 24] as const).map(v => [`node ${v}`, nodeBinary(v)] as [string, string | undefined]),
];

for (const [label, node] of nodes) {
  test(`${label}: timer behaviour is the same with the agent, and stop() leaves nothing behind`, { skip: node === undefined && label !== nodes[0][0] ? 'not installed (scripts/setup-test-env.sh)' : false }, async () => {
    const without = await scenario('none', node);
    const withAgent = await scenario('agent', node);
    // The scenario itself must be deterministic, or equality proves nothing.
    assert.deepEqual(Object.keys(without.log).sort(), Object.keys(withAgent.log).sort());
    assert.ok((without.log.order ?? []).length >= 15, 'ordering channel too short');
    assertSameLog(withAgent, without);
    assertRestored(withAgent);
  });
}

test('evaluating and starting the agent twice gives one agent (idempotent), behaviour still unchanged', async () => {
  const without = await scenario('none');
  const twice = await scenario('agent', undefined, { AGENT_EVAL_TWICE: '1' });
  assert.equal(twice.checks.secondStartAlreadyRunning, true);
  assertSameLog(twice, without);
  assertRestored(twice);
});
