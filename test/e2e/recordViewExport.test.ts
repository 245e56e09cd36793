/**
 * The timeline outside VS Code end to end, on a real process: `timerscope record --launch -- node <example>`
 * records the bundled leaky TypeScript service, `view --html` renders that recording offline in headless
 * Chromium, `export --format perfetto` turns it into trace events. The leaking heartbeat interval
 * (examples/src/sessions.ts:22, 12 timers, fired every second) must be found at its TypeScript line in each.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { SITE_PID_BASE, type TraceFile } from '../../src/model/timelinePerfetto';
import type { Recording, RecordedSite } from '../../src/shared/recording';
import { runCli } from '../helpers/cli';
import { chromiumPath, missingEnvMessage } from '../helpers/testEnv';
import { ROOT, hook, launchChromium, newTestPage, until, waitReady, type LaneInfo, type SliceInfo } from './timelineBrowser';

const LEAK = { file: 'examples/src/sessions.ts', line: 22, column: 3 };
const skip = !existsSync(chromiumPath()) && missingEnvMessage('Chromium');

let dir: string;
let recording: Recording;
/** The lanes of the leaking call site (one site: see 'one call site is one site'). */
let leakSites: RecordedSite[];
let leakTimerIds: Set<number>;
let browser: Browser | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ts-record-'));
  const build = spawnSync(process.execPath, [join(ROOT, 'examples', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  if (!skip) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const isLeak = (s: RecordedSite) => !!s.location && s.location.file.endsWith(LEAK.file) && s.location.line === LEAK.line;

test('record --launch writes a recording of the real process with the leak at its TypeScript line', async () => {
  const out = join(dir, 'run.timerscope.json');
  const r = await runCli(['record', '--launch', '--duration', '3s', '--out', out, '--', 'node', 'examples/dist/server.js']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /recorded 3\.\d s .* → .*run\.timerscope\.json/);
  recording = JSON.parse(readFileSync(out, 'utf8')) as Recording;
  assert.equal(recording.schema, 'timerscope.recording/v1');
  leakSites = recording.sites.filter(isLeak);
  assert.ok(leakSites.length >= 1, JSON.stringify(recording.sites.map(s => s.location)));
  for (const leak of leakSites) {
    assert.deepEqual([leak.kind, leak.delayMs, leak.location!.column, leak.callbackName], ['interval', 1000, LEAK.column, 'sendHeartbeat']);
    assert.deepEqual(leak.generated && [leak.generated.file, leak.generated.line], ['examples/dist/sessions.js', 14], 'the JS position behind the source map');
  }
  const siteIds = new Set(leakSites.map(x => x.id));
  const timers = recording.timers.filter(t => siteIds.has(t.siteId));
  assert.equal(timers.length, 12);
  leakTimerIds = new Set(timers.map(t => t.id));
  const fires = recording.fires.filter(f => leakTimerIds.has(f.timerId));
  // Twelve 1 s intervals created at start-up, recorded for 3 s: at least one fire each, even on a loaded machine.
  assert.ok(fires.length >= 12, `${fires.length} heartbeat fires recorded`);
});

test('view --html renders the recording offline: the leak lane, and a click reveals its TypeScript line', { skip }, async t => {
  assert.ok(recording, 'needs the recording of the previous test');
  const file = join(dir, 'report.html');
  const r = await runCli(['view', join(dir, 'run.timerscope.json'), '--html', file]);
  assert.equal(r.code, 0, r.stderr);
  const page = await newTestPage(browser!);
  t.after(() => page.close());
  const requests: string[] = [];
  page.on('request', req => requests.push(req.url()));
  await page.goto(pathToFileURL(file).href);
  await waitReady(page);
  assert.deepEqual(requests, [pathToFileURL(file).href], 'the report loads nothing else');
  const counts = await hook<{ fires: number; timers: number }>(page, 'counts');
  assert.deepEqual([counts.fires, counts.timers], [recording.fires.length, recording.timers.length]);
  const lanes = await hook<LaneInfo[]>(page, 'lanes');
  const leakLanes = lanes.filter(l => l.kind === 'site' && leakSites.some(x => x.id === l.siteId));
  assert.equal(leakLanes.length, leakSites.length, lanes.map(l => l.label).join('\n'));
  let shown = 0;
  for (const lane of leakLanes) {
    const m = /sessions\.ts:22 setInterval 1000ms sendHeartbeat ×(\d+)/.exec(lane.label);
    assert.ok(m, lane.label);
    shown += Number(m[1]);
  }
  assert.equal(shown, 12, 'the twelve leaked heartbeats');
  const timerId = [...leakTimerIds].find(id => recording.fires.some(f => f.timerId === id))!;
  const fire = recording.fires.find(f => f.timerId === timerId)!;
  await hook(page, 'setViewport', fire.startMs - 5, fire.startMs + 5);
  const s = await hook<SliceInfo>(page, 'slice', timerId, 0);
  await page.mouse.click(s.x + Math.max(1, s.w / 2), s.y + s.h / 2);
  await until(async () => /sessions\.ts:22:3/.test((await page.locator('.ts-reveal').textContent()) ?? ''), 'the revealed location');
  assert.match((await page.locator('.ts-reveal').textContent())!, /→ \S*examples\/src\/sessions\.ts:22:3/);
});

test('export --format perfetto: one track per heartbeat timer, fires with the TypeScript site as an arg', async () => {
  assert.ok(recording, 'needs the recording of the previous test');
  const out = join(dir, 'trace.json');
  const r = await runCli(['export', '--format', 'perfetto', join(dir, 'run.timerscope.json'), '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  const trace = JSON.parse(readFileSync(out, 'utf8')) as TraceFile;
  const pids = new Set(leakSites.map(x => SITE_PID_BASE + x.id));
  for (const pid of pids) {
    const name = trace.traceEvents.find(e => e.ph === 'M' && e.pid === pid && e.name === 'process_name');
    assert.match(String(name?.args?.['name']), /^setInterval 1000ms \S*examples\/src\/sessions\.ts:22:3$/);
  }
  const tracks = trace.traceEvents.filter(e => e.ph === 'M' && pids.has(e.pid) && e.name === 'thread_name');
  assert.equal(tracks.length, 12, 'one track per timer');
  const slices = trace.traceEvents.filter(e => e.ph === 'X' && pids.has(e.pid));
  assert.equal(slices.length, recording.fires.filter(f => leakTimerIds.has(f.timerId)).length);
  assert.ok(slices.every(e => e.name === 'sendHeartbeat' && /examples\/src\/sessions\.ts:22:3$/.test(String(e.args?.['site'])) && typeof e.args?.['latenessMs'] === 'number'));
});

test('one call site is one site: timers adopted at attach and timers created afterwards share it', () => {
  assert.ok(recording, 'needs the recording of the first test');
  assert.equal(leakSites.length, 1, `sites at examples/src/sessions.ts:22:3: ${JSON.stringify(leakSites)}`);
  // The agent may know one line under two keys (a callback-classified site when the stack budget ran out or
  // the timer was adopted, and a sampled-stack site); the model merges them by resolved position. The
  // deterministic version (timers of one line before and after attach): test/unit/live/adoptedSite.test.ts.
});
