/**
 * Auto-attach in real VS Code (code-server): F5 on the fixture workspace's launch.json runs src/app.js under
 * VS Code's built-in JavaScript debugger (js-debug), and with `timerscope.autoAttach: always` (the fixture's
 * workspace setting) Timerscope attaches through js-debug's CDP proxy on its own: markers appear, and go with
 * the debug session. A second configuration forks app.js from a launcher: each process gets its own session.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { codeServerMissing, type CodeServer } from '../helpers/codeServer';
import { GROWING, iconOn, isAlive, lensOn, liveLensLines, startTimerscopeUi, type SessionInfo, type TimerscopeUi } from '../helpers/timerscopeUi';
import { until } from './timelineBrowser';

const skip = codeServerMissing();
let ui: TimerscopeUi;
let vsc: CodeServer;
let page: Page;
let L: TimerscopeUi['L'];

before(async () => {
  if (skip) return;
  // Trusted from the start (--disable-workspace-trust): the restricted setting timerscope.autoAttach applies.
  ui = await startTimerscopeUi();
  ({ vsc, L } = ui);
  page = vsc.page;
});

after(async () => {
  await ui?.stop();
});

test('debug session (F5, JavaScript debugger): auto-attach shows the markers; stopping it removes them', { skip }, async () => {
  await ui.detachAll(); // whatever an earlier failed step left attached
  assert.equal(await vsc.evaluate(v => v.workspace.getConfiguration('timerscope').get('autoAttach')), 'always', 'the fixture\'s workspace setting');
  await ui.openApp();
  await page.locator('.part.editor .view-lines').click();
  await page.keyboard.press('F5');
  await ui.editorShows('a leak icon from the auto-attached debug session', i => iconOn(i, L.leak)?.endsWith('/leak.svg') === true, 60_000);
  const [s] = await ui.sessions();
  assert.ok(s, 'one Timerscope session');
  assert.match(s.name, /Run app/, 'named after the debug session');
  assert.match((await ui.statusText()) ?? '', /Run app/);
  // Lenses are checked (and can lag) in extension.test.ts; the screenshot waits for them a little.
  if (await ui.editorShows('live lenses', (_i, l) => GROWING.test(lensOn(l, L.leak) ?? ''), 20_000).then(() => true, () => false)) {
    await vsc.screenshot('extension-debug');
  }
  const debuggee = s.pid;
  await vsc.evaluate(async v => void (await v.debug.stopDebugging()));
  await ui.editorShows('no icons and no live numbers after the debug session ended', (i, l) => i.length === 0 && liveLensLines(l).length === 0, 30_000);
  assert.deepEqual(await ui.sessions(), []);
  if (debuggee) await until(() => !isAlive(debuggee), 'the debugged program to exit', 20_000);
});

test('debug session with a child process (fork): Timerscope follows js-debug into the child, each process its own session', { skip }, async t => {
  await ui.detachAll();
  await ui.openApp();
  assert.ok(await vsc.evaluate(async v => await v.debug.startDebugging(v.workspace.workspaceFolders![0], 'Run app in a child process')), 'the debug session started');
  try {
    await ui.editorShows('a leak icon from the forked app.js', i => iconOn(i, L.leak)?.endsWith('/leak.svg') === true, 60_000);
    // The launcher and the forked app: two Timerscope sessions, named apart.
    let all: SessionInfo[] = [];
    await until(async () => (all = await ui.sessions()).length >= 2, 'a session for the launcher and one for its child', 30_000);
    t.diagnostic(`sessions: ${all.map(s => s.name).join(' | ')}`);
    assert.equal(new Set(all.map(s => s.name)).size, all.length, `distinct names: ${JSON.stringify(all.map(s => s.name))}`);
    assert.equal(new Set(all.map(s => s.pid)).size, all.length, 'one session per process');
  } finally {
    await vsc.evaluate(async v => void (await v.debug.stopDebugging()));
  }
  await until(async () => (await ui.sessions()).length === 0, 'the sessions to end with the debug session', 30_000);
});
