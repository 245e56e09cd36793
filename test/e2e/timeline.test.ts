/**
 * The real timeline bundle (dist/webview/timeline.js + .css) in headless Chromium, on the CSP'd page VS Code
 * would get, connected to a real TimelineHub over an `acquireVsCodeApi` shim: hydrate, lanes, a known timer's
 * slice position and width (hook geometry and actual pixels), tooltip, zoom, pan, selection, filter, expand,
 * click-to-reveal, live deltas with follow/pause, and state surviving a webview reload.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { SourcePosition } from '../../src/shared/snapshot';
import type { ToWebviewMessage } from '../../src/shared/webviewProtocol';
import { TimelineHub, type ITimelineClient } from '../../src/views/timelineHub';
import { buildWebviewHtml, makeNonce } from '../../src/views/webviewHtml';
import { LABEL_WIDTH, AXIS_HEIGHT } from '../../webview/viewport';
import { generateBulk } from '../fixtures/recordings/generate';
import { loadFixture } from '../unit/timeline/fixture';
import {
  SCREENSHOTS, hook, launchChromium, newTestPage, rgb, serveWebview, until, waitReady, type LaneInfo, type SliceInfo, type ViewportInfo,
} from './timelineBrowser';

// Functions handed to page.evaluate run in the browser; the node-side typecheck has no DOM lib.
declare const window: Window & typeof globalThis & Record<string, any>;
declare const document: any;
declare function requestAnimationFrame(cb: (t: number) => void): number;
type Window = { postMessage(message: unknown, targetOrigin: string): void };

let browser: Browser;
let page: Page;
let hub: TimelineHub;
let client: ITimelineClient;
let closeServer: () => void;
const revealed: SourcePosition[] = [];
const sent: ToWebviewMessage['type'][] = [];
let savedState: unknown;

async function installShim(p: Page, state: unknown): Promise<void> {
  await p.addInitScript(s => {
    let current = s;
    (window as unknown as { acquireVsCodeApi: unknown }).acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => (window as unknown as { __hostPost(m: unknown): void }).__hostPost(m),
      getState: () => current,
      setState: (v: unknown) => {
        current = v;
        (window as unknown as { __hostSetState(m: unknown): void }).__hostSetState(v);
      },
    });
  }, state);
}

before(async () => {
  const { origin, server } = await serveWebview(o =>
    buildWebviewHtml({ cspSource: o, nonce: makeNonce(), scriptUri: `${o}/dist/webview/timeline.js`, styleUri: `${o}/dist/webview/timeline.css` }),
  );
  closeServer = () => server.close();
  browser = await launchChromium();
  page = await newTestPage(browser);
  page.on('pageerror', e => assert.fail(`page error: ${e.message}`));
  hub = new TimelineHub(l => revealed.push(l));
  client = hub.attach({
    visible: true,
    postMessage: async m => {
      sent.push(m.type);
      await page.evaluate(msg => window.postMessage(msg, '*'), m).catch(() => undefined);
      return true;
    },
  });
  await page.exposeBinding('__hostPost', (_src, m: unknown) => client.receive(m));
  await page.exposeBinding('__hostSetState', (_src, s: unknown) => void (savedState = s));
  await installShim(page, undefined);
  hub.startSession(loadFixture(), 'small.timerscope.json', false);
  await page.goto(origin);
  await waitReady(page);
});

after(async () => {
  hub?.dispose();
  await browser?.close();
  closeServer?.();
});

const lanes = (): Promise<LaneInfo[]> => hook<LaneInfo[]>(page, 'lanes');
const viewport = (): Promise<ViewportInfo> => hook<ViewportInfo>(page, 'viewport');

test('hydrates on ready and draws the lanes: event loops, GC, live timers, one per call site', async () => {
  assert.equal(sent[0], 'hydrate');
  const l = await lanes();
  assert.deepEqual(l.slice(0, 4).map(x => x.key), ['loop:0', 'loop:1', 'gc', 'counter']);
  const sites = l.filter(x => x.kind === 'site');
  assert.equal(sites.length, 6);
  assert.equal(sites.find(s => s.siteId === 3)!.highlight, 'leak');
  const counts = await hook<{ fires: number; timers: number }>(page, 'counts');
  assert.equal(counts.fires, loadFixture().fires.length);
  const vp = await viewport();
  assert.ok(vp.startMs <= 0 && vp.endMs >= 10_000, `a recording opens fitted: ${JSON.stringify(vp)}`);
});

test("the heartbeat's late fire: slice where and as wide as it ran, whisker from its scheduled time, tooltip", async () => {
  await hook(page, 'expand', 1, true);
  await hook(page, 'setViewport', 4400, 4440);
  const s = (await hook<SliceInfo>(page, 'slice', 1, 3))!;
  const box = (await page.locator('canvas').boundingBox())!;
  assert.equal(s.laneKey, 'timer:1');
  // Lanes above: two loops (26+26), GC (14), counter (36), the heartbeat site (22).
  assert.equal(s.y, box.y + AXIS_HEIGHT + 124);
  const plotWidth = box.width - LABEL_WIDTH;
  assert.ok(Math.abs(s.x - (box.x + LABEL_WIDTH + ((4421.107 - 4400) * plotWidth) / 40)) < 0.01, `x ${s.x}`);
  assert.ok(Math.abs(s.w - (1.536 * plotWidth) / 40) < 0.01, `w ${s.w}`);
  await hook(page, 'render');
  const mid = s.y + Math.round(s.h / 2);
  assert.deepEqual(await hook(page, 'pixel', s.x + s.w / 2, mid), rgb('#3794ff'), 'a 1.5 ms callback is drawn in the <5 ms colour');
  const laneBg = await hook(page, 'pixel', box.x + box.width - 3, mid);
  assert.notDeepEqual(laneBg, rgb('#3794ff'));
  assert.deepEqual(await hook(page, 'pixel', s.x + s.w + 6, mid), laneBg, 'nothing right after the callback ended');
  assert.deepEqual(await hook(page, 'pixel', s.x - 20, mid), rgb('#9d9d9d'), 'the lateness whisker leads to the slice');
  await page.mouse.move(s.x + s.w / 2, mid);
  const tip = page.locator('.ts-tooltip');
  await tip.waitFor({ state: 'visible' });
  const text = await tip.textContent();
  assert.match(text!, /setInterval #1 · fired at 4421\.1 ms/);
  assert.match(text!, /scheduled 4000\.5 ms · late 420\.6 ms/);
  assert.match(text!, /callback 1\.5 ms/);
  assert.match(text!, /SLO breach: late > 50\.0 ms/);
});

test('click on a slice posts reveal and the host opens its line', async () => {
  const s = (await hook<SliceInfo>(page, 'slice', 1, 3))!;
  await page.mouse.click(s.x + s.w / 2, s.y + s.h / 2);
  await until(() => revealed.length > 0, 'reveal');
  assert.deepEqual(revealed.at(-1), { file: '/app/src/heartbeat.ts', line: 14, column: 5 });
  const posted = await hook<{ type: string; timerId?: number }[]>(page, 'posted');
  assert.deepEqual(posted.filter(m => m.type === 'reveal').at(-1), { type: 'reveal', location: { file: '/app/src/heartbeat.ts', line: 14, column: 5 }, siteId: 1, timerId: 1 });
});

test('wheel zooms around the pointer; drag pans', async () => {
  await hook(page, 'setViewport', 0, 10_000);
  const vp = await viewport();
  const lane = (await lanes()).find(l => l.key === 'loop:0')!;
  const x = vp.plotLeft + vp.plotWidth / 2;
  await page.mouse.move(x, lane.top + 10);
  await page.mouse.wheel(0, -300);
  await until(async () => (await viewport()).endMs - (await viewport()).startMs < 9000, 'zoom in');
  const z = await viewport();
  const span = z.endMs - z.startMs;
  assert.ok(span < 6000 && span > 5000, `span ${span}`);
  const under = z.startMs + ((x - z.plotLeft) / z.plotWidth) * span;
  assert.ok(Math.abs(under - 5000) < span / z.plotWidth, 'the time under the pointer stays put');
  await page.mouse.move(x, lane.top + 10);
  await page.mouse.down();
  await page.mouse.move(x - 100, lane.top + 10, { steps: 4 });
  await page.mouse.up();
  const p = await viewport();
  assert.ok(Math.abs(p.startMs - (z.startMs + (100 * span) / z.plotWidth)) < 0.5, 'dragging left shows later time');
  // A trackpad pinch arrives as ctrl+wheel: zooms faster per unit, still around the pointer.
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, 20);
  await page.keyboard.up('Control');
  await until(async () => (await viewport()).endMs - (await viewport()).startMs > span * 1.1, 'pinch out');
  const q = await viewport();
  assert.ok(Math.abs((q.endMs - q.startMs) / span - Math.exp(0.2)) < 0.01, 'ctrl+wheel 20 = e^0.2 zoom out');
});

test('drag on the time axis selects a range and shows its statistics', async () => {
  await hook(page, 'setViewport', 3900, 4600);
  const vp = await viewport();
  const box = (await page.locator('canvas').boundingBox())!;
  const xOf = (t: number): number => vp.plotLeft + ((t - vp.startMs) / (vp.endMs - vp.startMs)) * vp.plotWidth;
  await page.mouse.move(xOf(4000), box.y + 10);
  await page.mouse.down();
  await page.mouse.move(xOf(4500), box.y + 10, { steps: 5 });
  await page.mouse.up();
  const text = await page.locator('.ts-selection').textContent();
  assert.match(text!, /selection 4000\.\d ms – 4500\.\d ms/);
  assert.match(text!, /late p50 .* max 420\.\d ms/);
  assert.match(text!, /report\.ts:22/);
  assert.match(text!, /loop delay p99/);
  await page.locator('.ts-clear-selection').click();
  assert.equal(await page.locator('.ts-selection').isHidden(), true);
});

test('filter by text, finding and thread; expand a call site with ▸', async () => {
  await page.locator('.ts-filter').fill('session');
  await until(async () => (await lanes()).filter(l => l.kind === 'site').length === 1, 'text filter');
  await page.locator('.ts-filter').fill('');
  await page.locator('.ts-finding').selectOption('leak.growth');
  await until(async () => (await lanes()).filter(l => l.kind === 'site').map(l => l.siteId).join() === '3', 'finding filter');
  await page.locator('.ts-finding').selectOption('all');
  await page.locator('.ts-thread').selectOption('1');
  await until(async () => (await lanes()).filter(l => l.kind === 'site').map(l => l.siteId).join() === '6', 'thread filter');
  await page.locator('.ts-thread').selectOption('');
  await hook(page, 'expand', 1, false);
  const leak = (await lanes()).find(l => l.key === 'site:3')!;
  const box = (await page.locator('canvas').boundingBox())!;
  await page.mouse.click(box.x + 8, leak.top + leak.height / 2);
  const n = loadFixture().timers.filter(t => t.siteId === 3).length;
  await until(async () => (await lanes()).filter(l => l.kind === 'timer').length === n, 'expanded leak site');
  await page.mouse.move(box.x + 100, leak.top + leak.height / 2);
  assert.match((await page.locator('.ts-tooltip').textContent())!, /leak\.growth: setInterval at session\.ts:40 grows/);
  await page.screenshot({ path: join(SCREENSHOTS, 'timeline-expanded-leak.png') });
  await hook(page, 'expand', 3, false);
});

test('live: deltas arrive after the hydrate, follow-live tracks the newest time, pause freezes the view', async () => {
  hub.startSession(loadFixture(), 'live', true);
  await until(async () => (await viewport()).live, 'live hydrate');
  assert.equal((await viewport()).follow, true);
  const before = sent.length;
  hub.pushDelta({ fires: [{ timerId: 1, scheduledMs: 11_000, startMs: 11_000.2, durationMs: 2 }], nowMs: 12_000 });
  hub.flush();
  assert.deepEqual(sent.slice(before), ['delta']);
  await until(async () => (await hook<{ nowMs: number }>(page, 'counts')).nowMs === 12_000, 'delta applied');
  await until(async () => Math.abs((await viewport()).endMs - 12_000) < 1000, 'follows');
  await page.locator('.ts-pause').click();
  const frozen = await viewport();
  assert.equal(frozen.paused, true);
  hub.pushDelta({ nowMs: 20_000 });
  hub.flush();
  await until(async () => (await hook<{ nowMs: number }>(page, 'counts')).nowMs === 20_000, 'second delta');
  await hook(page, 'render');
  assert.equal((await viewport()).endMs, frozen.endMs, 'paused view does not move');
  await page.locator('.ts-pause').click();
  await until(async () => (await viewport()).endMs > 19_000, 'resumed and following again');
  hub.endSession('target exited');
  await until(async () => /session ended: target exited/.test((await page.locator('.ts-status').textContent()) ?? ''), 'ended shown');
  assert.equal((await viewport()).follow, false);
});

test('focusSite (code lens "reveal in timeline"): expands the site and scrolls it into view', async () => {
  await page.setViewportSize({ width: 1400, height: 300 });
  await until(async () => (await page.locator('canvas').boundingBox())!.height < 300, 'canvas resized');
  await hook(page, 'setScroll', 0);
  hub.focusSite({ file: '/app/src/session.ts', line: 40, column: 5 });
  await until(async () => (await lanes()).some(l => l.key === 'timer:4'), 'leak site expanded');
  const box = (await page.locator('canvas').boundingBox())!;
  const lane = (await lanes()).find(l => l.key === 'site:3')!;
  assert.ok((await viewport()).scrollY > 0, 'scrolled');
  assert.ok(lane.top >= box.y + AXIS_HEIGHT && lane.top < box.y + box.height, 'site lane visible');
  await page.setViewportSize({ width: 1400, height: 800 });
  await until(async () => (await page.locator('canvas').boundingBox())!.height > 600, 'canvas resized back');
  await hook(page, 'expand', 3, false);
});

test('theme: canvas colours follow the --vscode-* variables when VS Code switches theme', async () => {
  await hook(page, 'setViewport', 0, 10_000);
  const box = (await page.locator('canvas').boundingBox())!;
  const empty = { x: box.x + 2, y: box.y + 2 }; // the time axis corner: plain background
  assert.deepEqual(await hook(page, 'pixel', empty.x, empty.y), rgb('#1e1e1e'));
  await page.evaluate(() => {
    document.documentElement.style.setProperty('--vscode-editor-background', '#fffffe');
    document.body.className = 'vscode-light';
  });
  await until(async () => (await hook<number[]>(page, 'pixel', empty.x, empty.y)).join() === rgb('#fffffe').join(), 'light background');
  await page.evaluate(() => {
    document.documentElement.style.removeProperty('--vscode-editor-background');
    document.body.className = 'vscode-dark';
  });
  await until(async () => (await hook<number[]>(page, 'pixel', empty.x, empty.y)).join() === rgb('#1e1e1e').join(), 'dark again');
});

test('zoomed out, 20,000 fires merge into density bars (no per-event DOM)', async () => {
  const bulk = generateBulk({ sites: 50, fires: 20_000, durationMs: 20_000 });
  hub.startSession(bulk, 'bulk', false);
  await until(async () => (await hook<{ fires: number }>(page, 'counts')).fires === bulk.fires.length, 'bulk hydrate');
  await hook(page, 'setViewport', 0, 20_000);
  const loop = (await lanes()).find(l => l.key === 'loop:0')!;
  const vp = await viewport();
  let painted = 0;
  for (let i = 0; i < 50; i++) {
    const px = await hook<number[]>(page, 'pixel', vp.plotLeft + 10 + i * 20, loop.top + loop.height - 3);
    if (px.join() !== rgb('#1e1e1e').join()) painted++;
  }
  assert.ok(painted >= 45, `density bars along the loop lane (${painted}/50 columns painted)`);
  assert.ok((await page.locator('body *').count()) < 80, 'a fixed handful of DOM elements');
  hub.startSession(loadFixture(), 'fixture', false);
  await until(async () => (await hook<{ fires: number }>(page, 'counts')).fires === loadFixture().fires.length, 'fixture again');
});

test('view state survives the webview being destroyed and re-created (hide/show), and it re-hydrates', async () => {
  hub.startSession(loadFixture(), 'fixture', false);
  await until(async () => !(await viewport()).live, 'recording hydrate');
  await hook(page, 'setViewport', 2000, 3000);
  await hook(page, 'expand', 1, true);
  await until(() => {
    const s = savedState as { startMs?: number; expanded?: number[] } | undefined;
    return s?.startMs === 2000 && !!s.expanded?.includes(1);
  }, 'state saved');
  const hydrates = sent.filter(t => t === 'hydrate').length;
  await installShim(page, savedState);
  await page.reload();
  await waitReady(page);
  assert.equal(sent.filter(t => t === 'hydrate').length, hydrates + 1);
  const vp = await viewport();
  assert.deepEqual([vp.startMs, vp.endMs], [2000, 3000]);
  // The expanded lanes come with the first frame drawn after the hydrate: wait for it, not for a fixed time.
  await until(async () => (await lanes()).some(l => l.key === 'timer:1'), 'expanded site restored');
  await hook(page, 'setViewport', -100, 10_100);
  await hook(page, 'expand', 1, false);
  const hb = (await lanes()).find(l => l.key === 'site:1')!;
  const s = (await hook<SliceInfo>(page, 'slice', 1, 3))!;
  await page.mouse.move(s.x + 1, hb.top + hb.height / 2);
  await page.locator('.ts-tooltip').waitFor({ state: 'visible' });
  await page.screenshot({ path: join(SCREENSHOTS, 'timeline-overview.png') });
});
