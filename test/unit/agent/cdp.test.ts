/**
 * Transparency through the real host path: the timer scenario runs in `node --inspect=127.0.0.1:0`; the
 * live session (startLiveSession: Runtime.evaluate of dist/agent.js, Runtime.addBinding batches, timers
 * adopted from Node's timer lists, stop without queryObjects) attaches over CDP after the scenario's
 * `pre` step and detaches before its `post` step. The event log must equal a run without any tool, the
 * host must really have measured the scenario, and after detach nothing of the agent is left.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { startLiveSession } from '../../../src/inspector/liveSession';
import { startTarget } from '../../helpers/targets';
import { updates } from '../live/liveHelpers';
import { fixturesDir, runFixture } from './childRun';

type ScenarioResult = { log: Record<string, unknown[]>; checks: Record<string, boolean> };

test('attached over CDP with the live session: same timer behaviour, measured, nothing left after detach', async t => {
  const without = await runFixture<ScenarioResult>('runScenario.js', ['none'], { timeoutMs: 60000 });
  assert.equal(without.code, 0, without.stderr);

  const target = await startTarget(t, path.join(fixturesDir, 'runScenario.js'), { args: ['cdp'] });
  await target.waitForOutput(/SCENARIO ready-for-agent/);
  const conn = await target.connect();
  const resume = () => conn.client.Runtime.evaluate({ expression: '__scenarioControl.resume()' });
  const live = await startLiveSession(conn, { workers: false });
  await resume();
  await target.waitForOutput(/SCENARIO ready-for-stop/, 60000);
  // Let the last batch of the scenario arrive before reading the report.
  await updates(live);
  const report = live.report();
  const { restored } = await live.stop();
  // Nothing of the agent (or its binding) is reachable from the target's global object.
  const left = await conn.client.Runtime.evaluate({
    expression: `Reflect.ownKeys(globalThis).map(String).filter(k => /timerscope/i.test(k)).join()`,
    returnByValue: true,
  });
  assert.equal(left.result.value, '');
  await resume();
  const line = await target.waitForOutput(/RESULT .*\n/, 60000);
  const withAgent = JSON.parse(line.slice('RESULT '.length)) as ScenarioResult;

  // The host really watched the scenario: its sites, resolved to the scenario file, with fires.
  const mine = report.sites.filter(s => s.file.endsWith('timerScenario.js'));
  assert.ok(mine.length >= 10, `only ${mine.length} scenario sites in the report: ${JSON.stringify(report.sites.map(s => `${s.file}:${s.line}`))}`);
  assert.ok(mine.reduce((n, s) => n + s.fired, 0) >= 50, 'scenario sites fired fewer than 50 times');
  assert.ok(restored >= 1, `detach restored ${restored} timers`);

  const channels = new Set([...Object.keys(withAgent.log), ...Object.keys(without.result!.log)]);
  for (const ch of channels) {
    assert.deepEqual(
      withAgent.log[ch],
      without.result!.log[ch],
      `channel '${ch}' differs over CDP:\n  with:    ${JSON.stringify(withAgent.log[ch])}\n  without: ${JSON.stringify(without.result!.log[ch])}`,
    );
  }
  for (const [name, ok] of Object.entries(withAgent.checks)) assert.equal(ok, true, `check ${name} failed after detach`);

});
