/**
 * Shared set-up for the timeline browser tests: headless Debian Chromium through playwright-core, a tiny local
 * server for the real dist/webview bundle, and typed access to the page's `window.__timerscopeTest` hook.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

// Functions handed to page.evaluate run in the browser; the node-side typecheck has no DOM lib.
declare const window: Window & typeof globalThis & Record<string, any>;
declare function requestAnimationFrame(cb: (t: number) => void): number;
type Window = { postMessage(message: unknown, targetOrigin: string): void };

export const ROOT = join(__dirname, '..', '..');
export const WEBVIEW_DIR = join(ROOT, 'dist', 'webview');
export const SCREENSHOTS = join(ROOT, 'docs', 'screenshots');

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/**
 * A page ready for tests. tsx compiles test files with esbuild's keepNames, which wraps functions in
 * `__name(...)`; functions we hand to page.evaluate/addInitScript carry that call into the page, so define it.
 */
export async function newTestPage(browser: Browser, width = 1400, height = 800): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  return page;
}

/** Serves `html` at / and the webview bundle files on 127.0.0.1:<ephemeral>. */
export async function serveWebview(html: (origin: string) => string): Promise<{ origin: string; server: Server }> {
  let origin = '';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html(origin));
      return;
    }
    const file = /^\/dist\/webview\/(timeline\.(js|css))$/.exec(path);
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': file[2] === 'js' ? 'text/javascript' : 'text/css' }).end(readFileSync(join(WEBVIEW_DIR, file[1]!)));
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, server };
}

/** The page's test hook, as seen from the test (kept in sync with webview/testHook.ts). */
export type LaneInfo = { key: string; kind: string; label: string; siteId?: number; timerId?: number; highlight: string | null; expanded?: boolean; top: number; height: number };
export type SliceInfo = { laneKey: string; x: number; w: number; y: number; h: number; scheduledX: number; fire: { startMs: number; scheduledMs: number; durationMs: number } };
export type ViewportInfo = { startMs: number; endMs: number; plotLeft: number; plotWidth: number; scrollY: number; follow: boolean; paused: boolean; live: boolean };

/** Calls `window.__timerscopeTest[name](...args)` in the page. */
export function hook<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(([n, a]) => {
    const h = (window as unknown as { __timerscopeTest: Record<string, (...x: unknown[]) => unknown> }).__timerscopeTest;
    return h[n as string]!(...(a as unknown[]));
  }, [name, args] as const) as Promise<T>;
}

/** Waits until the timeline has hydrated and painted. */
export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __timerscopeTest?: { ready(): boolean } }).__timerscopeTest?.ready() === true, null, { timeout: 15_000 });
}

/** Polls `check` until it returns true or the deadline passes. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise(r => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Parses '#rrggbb' into [r, g, b]. */
export function rgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
