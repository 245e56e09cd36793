/**
 * Timeline rendering benchmark: the real webview bundle in headless Chromium, 100,000 slices across 500 call-site
 * lanes, 1,000 new events per second streaming in through the real message path, while the view pans and
 * zooms. Reports per-frame draw time (our JS: lanes, slices, density bars) and the frame interval (what the
 * user sees, including canvas raster), against a baseline of 1,000 slices on 10 lanes measured in the same run.
 *   node --import tsx bench/timeline.ts [--quick]
 * Target: under 16 ms per frame (60 fps). Needs `npm run build` first (dist/webview).
 */
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { generateBulk } from '../test/fixtures/recordings/generate';
import { launchChromium, newTestPage, waitReady } from '../test/e2e/timelineBrowser';
import { buildReportHtml, makeNonce } from '../src/views/webviewHtml';
import { readFileSync } from 'node:fs';
import type { Recording } from '../src/shared/recording';

// Functions handed to page.evaluate run in the browser; the node-side typecheck has no DOM lib.
declare const window: Window & typeof globalThis & Record<string, any>;
declare function requestAnimationFrame(cb: (t: number) => void): number;
type Window = { postMessage(message: unknown, targetOrigin: string): void };

const quick = process.argv.includes('--quick');
const FRAMES = quick ? 90 : 300;
const WINDOW_MS = 60_000;

type Stats = { p50: number; p95: number; max: number; mean: number };
const stats = (xs: number[]): Stats => {
  const s = xs.slice().sort((a, b) => a - b);
  const q = (p: number): number => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? 0;
  return { p50: q(0.5), p95: q(0.95), max: s[s.length - 1] ?? 0, mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length) };
};

/** In-page: hydrate as a live session, start streaming `rate` fires/s, then run one gesture for `frames` frames. */
async function runScenario(page: Page, rec: Recording, gesture: 'pan-out' | 'pan-in' | 'zoom', frames: number, rate: number) {
  await page.evaluate(r => {
    window.postMessage({ type: 'hydrate', recording: r, live: true, config: { windowMs: 60_000, slo: { latenessMs: 50, callbackMs: 50 } } }, '*');
  }, rec);
  await page.waitForFunction(n => (window as any).__timerscopeTest.counts().fires === n, rec.fires.length);
  return page.evaluate(
    async ({ gesture, frames, rate, t0, timers }) => {
      const h = (window as any).__timerscopeTest;
      // Stream: every 10 ms, rate/100 fires on random timers at the advancing "now" (the live path: window.postMessage).
      let now = t0;
      const startWall = performance.now();
      let seed = 1;
      let streamed = 0;
      const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
      const stream = setInterval(() => {
        const target = t0 + (performance.now() - startWall);
        const fires = [];
        const n = Math.max(1, Math.round(rate / 100));
        for (let i = 0; i < n; i++) {
          const t = now + ((target - now) * i) / n;
          fires.push({ timerId: 1 + Math.floor(rnd() * timers), scheduledMs: t - rnd() * 2, startMs: t, durationMs: 0.05 + rnd() * 0.5 });
        }
        now = target;
        streamed += fires.length;
        window.postMessage({ type: 'delta', delta: { fires, nowMs: now } }, '*');
      }, 10);
      const end = t0;
      const spans: Record<string, [number, number]> = { 'pan-out': [end - 60_000, end], 'pan-in': [end - 5_000, end], zoom: [end - 60_000, end] };
      let [a, b] = spans[gesture]!;
      h.setViewport(a, b);
      h.resetFrameTimes();
      const intervals: number[] = [];
      await new Promise<void>(resolve => {
        let i = 0;
        let last = performance.now();
        const step = (ts: number): void => {
          if (i > 0) intervals.push(ts - last);
          last = ts;
          const span = b - a;
          if (gesture === 'zoom') {
            // In to 1 s around the middle and back out: every level of detail, density bars to single slices.
            const f = i < frames / 2 ? 0.97 : 1 / 0.97;
            const mid = (a + b) / 2;
            a = mid - (span * f) / 2;
            b = mid + (span * f) / 2;
          } else {
            const d = span / 200 * (i < frames / 2 ? -1 : 1);
            a += d;
            b += d;
          }
          h.setViewport(a, b, false);
          if (++i < frames) requestAnimationFrame(step);
          else resolve();
        };
        requestAnimationFrame(step);
      });
      clearInterval(stream);
      const elapsedS = (performance.now() - startWall) / 1000;
      const counts = h.counts();
      return { ratePerS: streamed / elapsedS, draw: h.frameTimes() as number[], intervals, fires: counts.fires, lanes: counts.lanes, heapMb: h.heapBytes() / 1048576 };
    },
    { gesture, frames, rate, t0: rec.durationMs, timers: rec.timers.length },
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ts-bench-'));
  const browser = await launchChromium(['--enable-precise-memory-info']);
  try {
    const script = readFileSync(join(__dirname, '..', 'dist', 'webview', 'timeline.js'), 'utf8');
    const css = readFileSync(join(__dirname, '..', 'dist', 'webview', 'timeline.css'), 'utf8');
    const file = join(dir, 'bench.html');
    const empty = generateBulk({ sites: 1, fires: 1, durationMs: 1000 });
    writeFileSync(file, buildReportHtml({ title: 'bench', label: 'bench', script, css, recording: empty, nonce: makeNonce() }));
    const page = await newTestPage(browser, 1600, 1000);
    await page.goto(pathToFileURL(file).href);
    await waitReady(page);
    const big = generateBulk({ sites: 500, fires: 100_200, durationMs: WINDOW_MS });
    const small = generateBulk({ sites: 10, fires: 1000, durationMs: WINDOW_MS });
    console.log(`timeline benchmark: ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), headless Chromium, 1600x1000, ${FRAMES} frames per gesture`);
    console.log(`load: ${big.fires.length} slices on ${big.sites.length} call-site lanes; baseline ${small.fires.length} slices on ${small.sites.length} lanes; streaming 1000 events/s`);
    console.log('gesture   | load     | draw p50 / p95 / max ms | frame interval p50 / p95 ms | fires held | heap MB | streamed/s | draw p95 vs baseline');
    for (const gesture of ['pan-out', 'pan-in', 'zoom'] as const) {
      const base = await runScenario(page, small, gesture, FRAMES, 1000);
      const r = await runScenario(page, big, gesture, FRAMES, 1000);
      for (const [name, res] of [['baseline', base], ['100k', r]] as const) {
        const d = stats(res.draw);
        const iv = stats(res.intervals);
        const ratio = name === 'baseline' ? '' : `${(d.p95 / Math.max(0.01, stats(base.draw).p95)).toFixed(1)}x`;
        console.log(
          `${gesture.padEnd(9)} | ${name.padEnd(8)} | ${d.p50.toFixed(2)} / ${d.p95.toFixed(2)} / ${d.max.toFixed(2)}`.padEnd(48) +
            ` | ${iv.p50.toFixed(1)} / ${iv.p95.toFixed(1)}`.padEnd(30) +
            ` | ${String(res.fires).padStart(10)} | ${res.heapMb.toFixed(0).padStart(7)} | ${res.ratePerS.toFixed(0).padStart(10)} | ${ratio}`,
        );
      }
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});
