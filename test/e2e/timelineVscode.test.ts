/**
 * The timeline inside real VS Code (code-server, installed by scripts/setup-test-env.sh), driven through
 * headless Chromium: a minimal extension (timelineVscodeExtension.ts) registers src/views/timelineViews.ts,
 * opens a recording whose sites point at files of the workspace, and the test checks that the CSP'd webview
 * renders under VS Code's theme, that clicking a slice opens the editor at the line, that the view state
 * survives the tab being hidden and shown (webview destroyed and re-hydrated), and the panel view.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Browser, Frame, Page } from 'playwright-core';
import type { Recording } from '../../src/shared/recording';
import { codeServerDir, missingEnvMessage } from '../helpers/testEnv';
import { FIXTURE_PATH } from '../unit/timeline/fixture';
import { ROOT, SCREENSHOTS, WEBVIEW_DIR, launchChromium, newTestPage, until, type SliceInfo, type ViewportInfo } from './timelineBrowser';

declare const window: Record<string, any>;
declare const document: any;
declare function getComputedStyle(el: unknown): { getPropertyValue(name: string): string };

const cs = codeServerDir();
let dir: string;
let server: ChildProcess | undefined;
let browser: Browser;
let page: Page;

/** Writes the test extension into `extDir` (bundle + manifest + webview assets). */
async function buildExtension(extDir: string): Promise<void> {
  mkdirSync(join(extDir, 'dist'), { recursive: true });
  await esbuild.build({
    entryPoints: [join(__dirname, 'timelineVscodeExtension.ts')], bundle: true, platform: 'node', format: 'cjs',
    target: 'node20', external: ['vscode'], outfile: join(extDir, 'dist', 'extension.js'), logLevel: 'warning',
  });
  cpSync(WEBVIEW_DIR, join(extDir, 'dist', 'webview'), { recursive: true });
  writeFileSync(join(extDir, 'package.json'), JSON.stringify({
    name: 'timeline', publisher: 'timerscope-test', version: '0.0.1', engines: { vscode: '^1.100.0' },
    main: './dist/extension.js', activationEvents: ['onStartupFinished'],
    contributes: {
      viewsContainers: { panel: [{ id: 'timerscopePanel', title: 'Timerscope', icon: '$(pulse)' }] },
      views: { timerscopePanel: [{ type: 'webview', id: 'timerscope.timeline', name: 'Timeline' }] },
      commands: [
        { command: 'timerscope.showTimeline', title: 'Show Timeline', category: 'Timerscope' },
        { command: 'timerscope.openRecording', title: 'Open Recording in Timeline…', category: 'Timerscope' },
      ],
    },
  }));
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
  if (!cs) return;
  dir = mkdtempSync(join(tmpdir(), 'ts-vscode-'));
  const ws = join(dir, 'ws');
  mkdirSync(join(ws, 'src'), { recursive: true });
  await buildExtension(join(dir, 'ext', 'timerscope-test.timeline-0.0.1'));
  // The fixture with its sites moved into this workspace, so "reveal" has real files to open.
  const rec = JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as Recording;
  const move = (file: string): string => file.replace('/app/src', join(ws, 'src'));
  for (const s of rec.sites) if (s.location) s.location.file = move(s.location.file);
  for (const f of rec.findings) f.site.file = move(f.site.file);
  for (const name of new Set(rec.sites.map(s => s.location!.file))) {
    writeFileSync(name, Array.from({ length: 60 }, (_, i) => `// line ${i + 1}`).join('\n') + '\n');
  }
  writeFileSync(join(ws, 'run.timerscope.json'), JSON.stringify(rec));
  server = spawn(
    process.execPath,
    [join(cs, 'out', 'node', 'entry.js'), '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry',
      '--disable-update-check', '--disable-workspace-trust', '--extensions-dir', join(dir, 'ext'),
      '--user-data-dir', join(dir, 'data'), ws],
    { env: { ...process.env, TIMERSCOPE_TEST_RECORDING: join(ws, 'run.timerscope.json') }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let out = '';
  server.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  server.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  await until(() => /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.test(out), `code-server URL (${out})`, 60_000);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)![1]!;
  browser = await launchChromium();
  page = await newTestPage(browser, 1400, 900);
  await page.goto(`${url}?folder=${encodeURIComponent(ws)}`);
});

after(async () => {
  await browser?.close();
  // code-server runs an extension host and helpers in its process group: end the whole group we started.
  if (server?.pid) {
    try {
      process.kill(-server.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('in VS Code: the recording renders in the panel, a click opens the editor at the line, state survives hide/show', { skip: cs ? false : missingEnvMessage('code-server') }, async () => {
  let frame = await timelineFrame(page);
  const counts = await call<{ fires: number; sites: number }>(frame, 'counts');
  assert.equal(counts.sites, 6);
  assert.equal(counts.fires, 108);
  // VS Code's theme reaches the canvas through the --vscode-* variables (code-server's default theme is light).
  const bg = await frame.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim());
  assert.notEqual(bg, '', 'VS Code theme variables are defined in the webview');
  await page.screenshot({ path: join(SCREENSHOTS, 'timeline-vscode.png') });

  await call(frame, 'setViewport', 4410, 4430);
  const s = (await call<SliceInfo>(frame, 'slice', 1, 3))!;
  const box = (await frame.locator('canvas').boundingBox())!; // page coordinates
  const rect = await frame.evaluate(() => { const r = document.querySelector('canvas')!.getBoundingClientRect(); return { left: r.left, top: r.top }; });
  await frame.locator('canvas').click({ position: { x: s.x - rect.left + s.w / 2, y: s.y - rect.top + s.h / 2 } });
  void box;
  await page.locator('.tab.active', { hasText: 'heartbeat.ts' }).waitFor({ timeout: 20_000 });
  await until(async () => /Ln 14, Col 5/.test((await page.locator('.statusbar').textContent()) ?? ''), 'cursor at 14:5', 20_000);

  // The timeline tab is now hidden (its webview destroyed); show it again: it re-hydrates and restores its view.
  await page.locator('.tab', { hasText: 'Timerscope Timeline' }).click();
  frame = await timelineFrame(page);
  const vp = await call<ViewportInfo>(frame, 'viewport');
  assert.deepEqual([vp.startMs, vp.endMs], [4410, 4430]);
});

test('in VS Code: the Timeline view in the panel hydrates too', { skip: cs ? false : missingEnvMessage('code-server') }, async () => {
  const editorFrame = await timelineFrame(page);
  await page.keyboard.press('F1');
  await page.keyboard.type('Focus on Timeline View');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Timeline' }).first().waitFor();
  await page.keyboard.press('Enter');
  const viewFrame = await timelineFrame(page, editorFrame);
  assert.equal((await call<{ fires: number }>(viewFrame, 'counts')).fires, 108);
});

void ROOT;
