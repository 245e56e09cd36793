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

type HiddenClass = {
  tracked: number;
  untracked: number;
  trackedSame: number;
  untrackedSame: number;
  intervalTracked: boolean;
  intervalSame: boolean;
  afterSame: boolean;
};

// Why it matters: a Timeout with another hidden class than Node's makes Node's timer code polymorphic, and
// the agent's own stores megamorphic (instruction counts in docs/performance.md).
for (const [label, node] of nodes) {
  test(`${label}: timers made while attached (tracked and sampled out) and after stop() have Node's own hidden class`, { skip: node === undefined && label !== nodes[0][0] ? 'not installed (scripts/setup-test-env.sh)' : false }, async () => {
    const run = await runFixture<HiddenClass>('hiddenClass.js', [], { node, execArgv: ['--allow-natives-syntax'], timeoutMs: 60000 });
    assert.equal(run.code, 0, `hiddenClass.js exited with ${run.code}:\n${run.stderr}`);
    const r = run.result!;
    assert.ok(r, `no RESULT:\n${run.stdout}\n${run.stderr}`);
    // Both kinds really occurred (a window cap of 64 samples the 20,000 creations).
    assert.ok(r.tracked >= 10 && r.untracked >= 10000, JSON.stringify(r));
    assert.equal(r.trackedSame, r.tracked, `tracked timers with another hidden class: ${JSON.stringify(r)}`);
    assert.equal(r.untrackedSame, r.untracked, `sampled-out timers with another hidden class: ${JSON.stringify(r)}`);
    assert.equal(r.intervalSame, true, 'an interval made while attached has another hidden class');
    assert.equal(r.afterSame, true, 'a timer made after stop() has another hidden class');
  });
}

test('evaluating and starting the agent twice gives one agent (idempotent), behaviour still unchanged', async () => {
  const without = await scenario('none');
  const twice = await scenario('agent', undefined, { AGENT_EVAL_TWICE: '1' });
  assert.equal(twice.checks.secondStartAlreadyRunning, true);
  assertSameLog(twice, without);
  assertRestored(twice);
});
