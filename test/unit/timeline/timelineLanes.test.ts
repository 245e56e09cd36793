import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildLanes, findSite, laneAt, lanesHeight, LANE_HEIGHTS } from '../../../src/model/timelineLanes';
import { rangeStats } from '../../../src/model/timelineStats';
import { TimelineStore } from '../../../src/model/timelineStore';
import { fireTooltip, rangeSummary } from '../../../src/model/timelineTooltip';
import { DEFAULT_TIMELINE_SLO } from '../../../src/shared/webviewProtocol';
import { SCENARIO } from '../../fixtures/recordings/generate';
import { loadFixture } from './fixture';

function store(): TimelineStore {
  const s = new TimelineStore();
  s.load(loadFixture());
  return s;
}

test('lanes: event loop per thread, GC, live-timer counter, then one lane per call site', () => {
  const lanes = buildLanes(store());
  assert.deepEqual(lanes.slice(0, 4).map(l => l.key), ['loop:0', 'loop:1', 'gc', 'counter']);
  const sites = lanes.filter(l => l.kind === 'site');
  assert.equal(sites.length, 6);
  assert.equal(sites[0]!.label, 'heartbeat.ts:14 setInterval 1000ms beat ×1');
  // Contiguous, non-overlapping rows.
  for (let i = 1; i < lanes.length; i++) assert.equal(lanes[i]!.y, lanes[i - 1]!.y + lanes[i - 1]!.height);
  assert.equal(lanesHeight(lanes), lanes.reduce((a, l) => a + l.height, 0));
  assert.equal(laneAt(lanes, 0), 0);
  assert.equal(laneAt(lanes, LANE_HEIGHTS.loop + 1), 1);
  assert.equal(laneAt(lanes, lanesHeight(lanes) + 5), -1);
});

test('lanes: leaks are red, SLO findings amber, clean sites plain', () => {
  const byId = new Map(buildLanes(store()).filter(l => l.kind === 'site').map(l => [l.siteId, l]));
  assert.equal(byId.get(SCENARIO.leakSite)!.highlight, 'leak');
  assert.equal(byId.get(SCENARIO.heartbeatSite)!.highlight, 'slo');
  assert.equal(byId.get(SCENARIO.reportSite)!.highlight, 'slo');
  assert.equal(byId.get(6)!.highlight, null);
});

test('lanes: a site expands into one lane per timer', () => {
  const s = store();
  const n = s.sites.get(SCENARIO.leakSite)!.timers.length;
  const lanes = buildLanes(s, undefined, new Set([SCENARIO.leakSite]));
  const timers = lanes.filter(l => l.kind === 'timer');
  assert.equal(timers.length, n);
  assert.ok(timers.every(l => l.siteId === SCENARIO.leakSite));
  const siteIndex = lanes.findIndex(l => l.siteId === SCENARIO.leakSite && l.kind === 'site');
  assert.equal(lanes[siteIndex + 1]!.kind, 'timer');
});

test('lanes: filter by text, thread and finding', () => {
  const s = store();
  const sites = (f: Parameters<typeof buildLanes>[1]): (number | undefined)[] => buildLanes(s, f).filter(l => l.kind === 'site').map(l => l.siteId);
  assert.deepEqual(sites({ text: 'session', threadId: null, finding: 'all' }), [SCENARIO.leakSite]);
  assert.deepEqual(sites({ text: 'buildreport', threadId: null, finding: 'all' }), [SCENARIO.reportSite]);
  assert.deepEqual(sites({ text: '', threadId: 1, finding: 'all' }), [6]);
  assert.deepEqual(buildLanes(s, { text: '', threadId: 1, finding: 'all' }).filter(l => l.kind === 'loop').map(l => l.key), ['loop:1']);
  assert.deepEqual(sites({ text: '', threadId: null, finding: 'leak.growth' }), [SCENARIO.leakSite]);
  assert.equal(sites({ text: '', threadId: null, finding: 'any' }).length, 4);
});

test('range stats: the blocking report and the late heartbeat behind it', () => {
  const s = store();
  const st = rangeStats(s, 4000, 4500, DEFAULT_TIMELINE_SLO);
  const hb = s.timers.get(SCENARIO.heartbeatTimer)!.fires[3]!;
  assert.ok(st.callbackMs.max > 400, 'the report callback is in range');
  assert.ok(Math.abs(st.latenessMs.max - (hb.startMs - hb.scheduledMs)) < 1e-9, 'max lateness is the heartbeat fire');
  assert.ok(st.busyPct > 80, `busy ${st.busyPct}%`);
  assert.ok(st.sloBreaches >= 2);
  assert.equal(st.topSites[0]!.siteId, SCENARIO.reportSite);
  const summary = rangeSummary(s, st).join('\n');
  assert.match(summary, /selection 4000\.0 ms – 4500\.0 ms/);
  assert.match(summary, /report\.ts:22/);
  assert.ok(st.loopDelayP99Ms !== null && st.loopDelayP99Ms > 400, 'loop delay sampled at 4.5 s shows the stall');
  assert.match(summary, /loop delay p99 ≤ \d+\.\d ms/);
  const at = (th: number): number => s.counters.filter(c => (c.threadId ?? 0) === th && c.tMs <= 4500).at(-1)!.live;
  assert.equal(st.liveAtEnd, at(0) + at(1), 'live timers at the end: every thread summed');
  const worker = rangeStats(s, 0, 10_000, DEFAULT_TIMELINE_SLO, 1);
  assert.equal(worker.fires, s.loop.get(1)!.length);
});

test('fire tooltip carries the numbers', () => {
  const s = store();
  const f = s.timers.get(SCENARIO.heartbeatTimer)!.fires[3]!;
  const text = fireTooltip(s, f, DEFAULT_TIMELINE_SLO).join('\n');
  assert.match(text, /setInterval #1 · fired at 4421\.1 ms/);
  assert.match(text, /scheduled 4000\.5 ms · late 420\.6 ms/);
  assert.match(text, /callback 1\.5 ms/);
  assert.match(text, /\/app\/src\/heartbeat\.ts:14:5/);
  assert.match(text, /SLO breach: late > 50\.0 ms/);
});

test('findSite: exact file and line, nearest line in the file, URL vs path', () => {
  const s = store();
  assert.equal(findSite(s, '/app/src/session.ts', 40), SCENARIO.leakSite);
  assert.equal(findSite(s, '/app/src/session.ts', 41), SCENARIO.leakSite);
  assert.equal(findSite(s, 'file:///app/src/heartbeat.ts', 14), SCENARIO.heartbeatSite);
  assert.equal(findSite(s, '/app/src/nowhere.ts', 1), undefined);
});
