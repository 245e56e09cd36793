/**
 * The timeline inside real VS Code (code-server, installed by scripts/setup-test-env.sh), driven through
 * headless Chromium: a minimal extension (timelineVscodeExtension.ts) registers src/views/timelineViews.ts,
 * opens a recording whose sites point at files of the workspace, and the test checks that the CSP'd webview
 * renders under VS Code's theme, that clicking a slice opens the editor at the line, that the view state
 * survives the tab being hidden and shown (webview destroyed and re-hydrated), and the panel view.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import type { Recording } from '../../src/shared/recording';
import { bundleExtension, codeServerMissing, startCodeServer, type CodeServer } from '../helpers/codeServer';
import { FIXTURE_PATH } from '../unit/timeline/fixture';
import { WEBVIEW_DIR, until, type SliceInfo, type ViewportInfo } from './timelineBrowser';

declare const window: Record<string, any>;
declare const document: any;
declare function getComputedStyle(el: unknown): { getPropertyValue(name: string): string };

const skip = codeServerMissing();
let dir: string;
let vsc: CodeServer | undefined;
let page: Page;

/** Writes the test extension into `extDir` (bundle + manifest + webview assets). */
async function buildExtension(extDir: string): Promise<void> {
  await bundleExtension(join(__dirname, 'timelineVscodeExtension.ts'), extDir, {
    name: 'timeline', publisher: 'timerscope-test', version: '0.0.1', activationEvents: ['onStartupFinished'],
    contributes: {
      viewsContainers: { panel: [{ id: 'timerscopePanel', title: 'Timerscope', icon: '$(pulse)' }] },
      views: { timerscopePanel: [{ type: 'webview', id: 'timerscope.timeline', name: 'Timeline' }] },
      commands: [
        { command: 'timerscope.showTimeline', title: 'Show Timeline', category: 'Timerscope' },
        { command: 'timerscope.openRecording', title: 'Open Recording in Timeline…', category: 'Timerscope' },
      ],
    },
  });
  cpSync(WEBVIEW_DIR, join(extDir, 'dist', 'webview'), { recursive: true });
}

/** The frame that runs the timeline bundle (VS Code nests it two iframes deep), once it has painted. */
async function timelineFrame(p: Page, exclude?: Frame): Promise<Frame> {
  let found: Frame | undefined;
  await until(async () => {
    for (const f of p.frames()) {
      if (f === exclude || f.isDetached()) continue;
      const ok = await f.evaluate(() => typeof window.__timerscopeTest === 'object' && window.__timerscopeTest.ready()).catch(() => false);
      if (ok) {
        found = f;
        return true;
      }
    }
    return false;
  }, 'a painted timeline webview', 60_000);
  return found!;
}

const call = <T>(f: Frame, name: string, ...args: unknown[]): Promise<T> =>
  f.evaluate(([n, a]) => window.__timerscopeTest[n as string](...(a as unknown[])), [name, args] as const) as Promise<T>;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'ts-vscode-'));
  const ws = join(dir, 'ws');
  mkdirSync(join(ws, 'src'), { recursive: true });
  // The fixture with its sites moved into this workspace, so "reveal" has real files to open.
  const rec = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Recording;
  const move = (file: string): string => file.replace('/app/src', join(ws, 'src'));
  for (const s of rec.sites) if (s.location) s.location.file = move(s.location.file);
  for (const f of rec.findings) f.site.file = move(f.site.file);
  for (const name of new Set(rec.sites.map(s => s.location!.file))) {
    writeFileSync(name, Array.from({ length: 60 }, (_, i) => `// line ${i + 1}`).join('\n') + '\n');
  }
  writeFileSync(join(ws, 'run.timerscope.json'), JSON.stringify(rec));
  vsc = await startCodeServer({
    workspace: ws,
    installExtensions: ext => buildExtension(join(ext, 'timerscope-test.timeline-0.0.1')),
    env: { TIMERSCOPE_TEST_RECORDING: join(ws, 'run.timerscope.json') },
  });
  page = vsc.page;
});

after(async () => {
  await vsc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('in VS Code: the recording renders in the panel, a click opens the editor at the line, state survives hide/show', { skip }, async () => {
  let frame = await timelineFrame(page);
  const counts = await call<{ fires: number; sites: number }>(frame, 'counts');
  assert.equal(counts.sites, 6);
  assert.equal(counts.fires, 108);
  // VS Code's theme reaches the canvas through the --vscode-* variables (code-server's default theme is light).
  const bg = await frame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim());
  assert.notEqual(bg, '', 'VS Code theme variables are defined in the webview');
  await vsc!.screenshot('timeline-vscode');

  await call(frame, 'setViewport', 4410, 4430);
  const s = (await call<SliceInfo>(frame, 'slice', 1, 3))!;
  const rect = await frame.evaluate(() => { const r = document.querySelector('canvas')!.getBoundingClientRect(); return { left: r.left, top: r.top }; });
  await frame.locator('canvas').click({ position: { x: s.x - rect.left + s.w / 2, y: s.y - rect.top + s.h / 2 } });
  await page.locator('.tab.active', { hasText: 'heartbeat.ts' }).waitFor({ timeout: 20_000 });
  await until(async () => /Ln 14, Col 5/.test((await page.locator('.statusbar').textContent()) ?? ''), 'cursor at 14:5', 20_000);

  // The timeline tab is now hidden (its webview destroyed); show it again: it re-hydrates and restores its view.
  await page.locator('.tab', { hasText: 'Timerscope Timeline' }).click();
  frame = await timelineFrame(page);
  const vp = await call<ViewportInfo>(frame, 'viewport');
  assert.deepEqual([vp.startMs, vp.endMs], [4410, 4430]);
});

test('in VS Code: the Timeline view in the panel hydrates too', { skip }, async () => {
  const editorFrame = await timelineFrame(page);
  // Through the palette by its full label: VS Code has a built-in Explorer "Timeline" view too.
  await vsc!.palette('Timerscope: Focus on Timeline View');
  const viewFrame = await timelineFrame(page, editorFrame);
  assert.equal((await call<{ fires: number }>(viewFrame, 'counts')).fires, 108);
});

