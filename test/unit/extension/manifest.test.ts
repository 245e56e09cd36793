/** package.json `contributes` and src/shared/contributions.ts must name the same things (no drift). */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Colors, Commands, CONFIG_SECTION, ContextKeys, PALETTE_COMMANDS, Settings, Views } from '../../../src/shared/contributions';
import { DEFAULT_SETTINGS, readSettings } from '../../../src/shared/settings';
import { MARK_KINDS } from '../../../src/editor/decorationPlan';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const c = pkg.contributes;
const values = (e: object) => Object.values(e).filter((v): v is string => typeof v === 'string').sort();

test('every command id is contributed, and every contributed command is known', () => {
  assert.deepEqual(c.commands.map((x: { command: string }) => x.command).sort(), values(Commands));
  for (const cmd of c.commands) assert.equal(cmd.category, 'Timerscope', cmd.command);
});

test('the palette hides exactly the internal commands', () => {
  const hidden = c.menus.commandPalette.filter((m: { when: string }) => m.when === 'false').map((m: { command: string }) => m.command).sort();
  assert.deepEqual(hidden, values(Commands).filter(id => !PALETTE_COMMANDS.includes(id)));
});

test('views and containers', () => {
  assert.deepEqual(c.viewsContainers.activitybar.map((x: { id: string }) => x.id), [Views.Container]);
  assert.deepEqual(c.viewsContainers.panel.map((x: { id: string }) => x.id), [Views.PanelContainer]);
  assert.deepEqual(c.views[Views.Container].map((x: { id: string }) => x.id), [Views.Timers]);
  assert.deepEqual(c.views[Views.PanelContainer].map((x: { id: string; type: string }) => [x.id, x.type]), [[Views.Timeline, 'webview']]);
  for (const w of c.viewsWelcome) assert.equal(w.view, Views.Timers);
});

test('every setting key is contributed with a default equal to DEFAULT_SETTINGS', () => {
  const keys = Object.keys(c.configuration.properties).map(k => k.slice(CONFIG_SECTION.length + 1)).sort();
  assert.deepEqual(keys, values(Settings));
  const defaults = (k: string) => c.configuration.properties[`${CONFIG_SECTION}.${k}`].default;
  assert.deepEqual(readSettings(k => defaults(k)), DEFAULT_SETTINGS);
  assert.deepEqual(c.configuration.properties[`${CONFIG_SECTION}.${Settings.AutoAttach}`].enum, ['always', 'ask', 'never']);
  for (const k of pkg.capabilities.untrustedWorkspaces.restrictedConfigurations) assert.ok(keys.includes(k.slice(CONFIG_SECTION.length + 1)), k);
});

test('colours, marker icons and the container icon exist', () => {
  assert.deepEqual(c.colors.map((x: { id: string }) => x.id).sort(), values(Colors));
  for (const theme of ['light', 'dark']) for (const kind of MARK_KINDS) assert.ok(existsSync(join(root, 'media', 'icons', theme, `${kind}.svg`)), `${theme}/${kind}.svg`);
  assert.ok(existsSync(join(root, c.viewsContainers.activitybar[0].icon)));
});

test('when clauses use only our context keys (or VS Code\'s own)', () => {
  const whens: string[] = [
    ...Object.values(c.menus as Record<string, { when?: string }[]>).flat().map(m => m.when ?? ''),
    ...c.viewsWelcome.map((w: { when: string }) => w.when),
    ...c.commands.map((x: { enablement?: string }) => x.enablement ?? ''),
  ];
  const ours = new Set(values(ContextKeys));
  for (const w of whens) for (const key of w.match(/timerscope\.[A-Za-z.]+/g) ?? []) {
    if (key === Views.Timers) continue; // `view == timerscope.timers`
    assert.ok(ours.has(key), `unknown context key ${key} in '${w}'`);
  }
});

test('activation: only what is needed, and main points at the bundle', () => {
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(pkg.activationEvents.includes('onDebugResolve:pwa-node'), 'auto-attach');
  assert.ok(!pkg.activationEvents.includes('*'));
  assert.ok(!pkg.activationEvents.includes('onStartupFinished'));
  for (const e of pkg.activationEvents) assert.match(e, /^(onDebugResolve|onDebugAdapterProtocolTracker|onWebviewPanel|onLanguage):/, e);
});

test('readSettings normalises bad values to the defaults', () => {
  const bad: Record<string, unknown> = { autoAttach: 'sometimes', 'thresholds.lateMs': -1, 'thresholds.leakLive': 0, refreshIntervalMs: 10, logLevel: 'loud', 'userCode.exclude': ['a', 3], 'codeLens.enabled': false };
  const s = readSettings(k => bad[k] as never);
  assert.equal(s.autoAttach, 'ask');
  assert.equal(s.thresholds.lateMs, DEFAULT_SETTINGS.thresholds.lateMs);
  assert.equal(s.thresholds.leakLive, DEFAULT_SETTINGS.thresholds.leakLive);
  assert.equal(s.refreshMs, 250, 'clamped to the minimum');
  assert.equal(s.logLevel, 'info');
  assert.deepEqual(s.userCodeExclude, ['a']);
  assert.equal(s.codeLens, false);
});
