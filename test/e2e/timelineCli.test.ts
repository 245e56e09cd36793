/**
 * `timerscope view` outside VS Code: the local server prints its URL and serves the same timeline (a click
 * prints the source location in the terminal), and `--html` writes one file that renders offline.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { FIXTURE_PATH, loadFixture } from '../unit/timeline/fixture';
import { ROOT, SCREENSHOTS, hook, launchChromium, newTestPage, until, waitReady, type LaneInfo, type SliceInfo } from './timelineBrowser';

const CLI = join(ROOT, 'bin', 'timerscope.js');
let browser: Browser;
let dir: string;

before(async () => {
  browser = await launchChromium();
  dir = mkdtempSync(join(tmpdir(), 'ts-view-'));
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('timerscope view serves the timeline on 127.0.0.1 and prints clicked locations', async t => {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'view', FIXTURE_PATH, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => void child.kill());
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  await until(() => /http:\/\/127\.0\.0\.1:\d+\//.test(out), `URL in output (${out})`);
  const url = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)![0];
  const page = await newTestPage(browser);
  t.after(() => page.close());
  const errors: string[] = [];
  page.on('pageerror', e => errors.push(e.message));
  await page.goto(url);
  await waitReady(page);
  const lanes = await hook<LaneInfo[]>(page, 'lanes');
  assert.equal(lanes.filter(l => l.kind === 'site').length, loadFixture().sites.length);
  await hook(page, 'setViewport', 4000, 4500);
  const s = (await hook<SliceInfo>(page, 'slice', 1, 3))!;
  await page.mouse.click(s.x + Math.max(1, s.w / 2), s.y + s.h / 2);
  await until(() => out.includes('reveal /app/src/heartbeat.ts:14:5'), 'reveal printed by the server');
  assert.match((await page.locator('.ts-reveal').textContent())!, /→ \/app\/src\/heartbeat\.ts:14:5/);
  assert.deepEqual(errors, []);
  await hook(page, 'setViewport', -100, 10_100);
  await page.screenshot({ path: join(SCREENSHOTS, 'timeline-standalone.png') });
  const missing = await fetch(new URL('nope', url));
  assert.equal(missing.status, 404);
  // DNS rebinding: the same socket asked for under another host name is refused.
  const rebound = await new Promise<number | undefined>((resolve, reject) => {
    http.get(url, { headers: { host: 'attacker.example:80' } }, res => (res.resume(), resolve(res.statusCode))).on('error', reject);
  });
  assert.equal(rebound, 403);
});

test('timerscope view --html writes one self-contained file that renders offline', async t => {
  const file = join(dir, 'report.html');
  const r = spawnSync(process.execPath, [CLI, 'view', FIXTURE_PATH, '--html', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*report\.html/);
  const html = readFileSync(file, 'utf8');
  assert.doesNotMatch(html, /<(script|link)[^>]+(src|href)=/, 'no external script or stylesheet');
  const page = await newTestPage(browser);
  t.after(() => page.close());
  const requests: string[] = [];
  page.on('request', req => requests.push(req.url()));
  await page.goto(pathToFileURL(file).href);
  await waitReady(page);
  assert.deepEqual(requests, [pathToFileURL(file).href], 'nothing but the file itself is loaded');
  const counts = await hook<{ fires: number; timers: number }>(page, 'counts');
  assert.equal(counts.fires, loadFixture().fires.length);
  assert.equal(counts.timers, loadFixture().timers.length);
});

test('timerscope view: bad input is one actionable line', () => {
  const none = spawnSync(process.execPath, [CLI, 'view'], { encoding: 'utf8' });
  assert.equal(none.status, 2);
  assert.match(none.stderr, /which recording\?/);
  const missing = spawnSync(process.execPath, [CLI, 'view', join(dir, 'missing.json')], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot read .*ENOENT/);
  const port = spawnSync(process.execPath, [CLI, 'view', FIXTURE_PATH, '--port', 'x'], { encoding: 'utf8' });
  assert.equal(port.status, 2);
  assert.equal(port.stderr.trim().split('\n').length, 1);
});
