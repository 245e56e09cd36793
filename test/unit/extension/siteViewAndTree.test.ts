import assert from 'node:assert/strict';
import { test } from 'node:test';
import { absoluteFile, mergeLiveSites, refedAtLiveCount, siteKey, sitesFromSnapshot, withHistory, type SiteView } from '../../../src/editor/siteView';
import { planDecorations } from '../../../src/editor/decorationPlan';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import type { SnapshotTimer } from '../../../src/shared/snapshot';
import { buildTree, MAX_TIMER_ROWS } from '../../../src/ui/treeModel';
import { snapshotOf } from './fixtures';

const timer = (id: number, over: Partial<SnapshotTimer> = {}): SnapshotTimer => ({
  id, kind: 'interval', delayMs: 1000, refed: true, keepsAlive: true, ageMs: 300, internal: false, dueInMs: 700,
  location: { file: 'src/poller.js', line: 12, column: 5 }, generated: null,
  callback: { name: 'poll', file: 'src/poller.js', line: 12, column: 17 }, ...over,
});

test('absoluteFile: relative paths against the cwd, file URLs to paths, node: and unknown kept', () => {
  assert.equal(absoluteFile('src/a.ts', '/w'), '/w/src/a.ts');
  assert.equal(absoluteFile('file:///w/b.js', '/x'), '/w/b.js');
  assert.equal(absoluteFile('node:internal/timers', '/w'), 'node:internal/timers');
  assert.equal(absoluteFile('(unknown)', '/w'), '(unknown)');
  assert.equal(absoluteFile('/abs/c.js', '/w'), '/abs/c.js');
});

test('sitesFromSnapshot: one view per site with its timers, absolute files and the callback', () => {
  const sites = sitesFromSnapshot(snapshotOf([timer(1), timer(2, { refed: false, keepsAlive: false }), timer(3, { kind: 'timeout', location: { file: 'src/t.js', line: 2, column: 1 } })]));
  assert.equal(sites.length, 2);
  const poll = sites.find(s => s.kind === 'interval')!;
  assert.equal(poll.file, '/w/src/poller.js');
  assert.equal(poll.live, 2);
  assert.equal(poll.refed, 1);
  assert.equal(poll.keepsAlive, true);
  assert.deepEqual(poll.callback, { name: 'poll', file: '/w/src/poller.js', line: 12, column: 17 });
  assert.deepEqual(poll.timers!.map(t => t.id), [1, 2]);
});

test('withHistory: growing after three rising observations, not after a dip', () => {
  const at = (live: number): SiteView[] => [{ file: '/w/a.js', line: 1, column: 1, kind: 'interval', live }];
  let s = withHistory(undefined, at(1));
  s = withHistory(s, at(5));
  assert.equal(s[0].growing, false, 'two observations are not a trend');
  s = withHistory(s, at(9));
  assert.equal(s[0].growing, true);
  assert.deepEqual(s[0].liveHistory, [1, 5, 9]);
  s = withHistory(s, at(4));
  assert.equal(s[0].growing, false);
  const many = Array.from({ length: 15 }, (_, i) => i).reduce<SiteView[] | undefined>((prev, i) => withHistory(prev, at(i)), undefined)!;
  assert.equal(many[0].liveHistory!.length, 10, 'history is bounded');
  assert.notEqual(siteKey({ file: 'a', line: 1, column: 1, kind: 'timeout' }), siteKey({ file: 'a', line: 1, column: 1, kind: 'timeout', threadId: 2 }));
});

test('buildTree: process → site → timer with counts, badges, relative labels and reveal locations', () => {
  const sites = sitesFromSnapshot(snapshotOf([timer(1), timer(2), timer(9, { internal: true, location: { file: 'node:internal/x', line: 1, column: 1 } })]));
  sites.find(s => s.file.startsWith('node:'))!.internal = true;
  const [proc] = buildTree([{ id: 's1', name: 'app.js (pid 42)', state: 'live', cwd: '/w', sites, findings: 2, markOf: s => (s.live > 1 ? 'leak' : undefined) }], { showInternal: false });
  assert.equal(proc.label, 'app.js (pid 42)');
  assert.equal(proc.description, '2 live timers · 2 findings · live');
  assert.equal(proc.children.length, 1, 'internal sites hidden');
  const site = proc.children[0];
  assert.equal(site.label, 'src/poller.js:12');
  assert.equal(site.description, "2 live · ref'd · interval 1.0 s");
  assert.equal(site.mark, 'leak');
  assert.deepEqual(site.location, { file: '/w/src/poller.js', line: 12, column: 5 });
  assert.deepEqual(site.children.map(t => t.label), ['#1', '#2']);
  assert.equal(site.children[0].description, "interval 1.0 s · ref'd · armed 300 ms ago · due in 700 ms");
  const [withInternal] = buildTree([{ id: 's1', name: 'p', state: 'live', sites, findings: 0 }], { showInternal: true });
  assert.equal(withInternal.children.length, 2);
  assert.equal(withInternal.children.find(c => c.label.startsWith('node:'))!.mark, 'healthy');
});

test("mergeLiveSites: live numbers over snapshot sites, matched by line when columns differ; the agent's own sites dropped", () => {
  const snap: SiteView[] = [
    { file: '/w/a.js', line: 11, column: 21, kind: 'interval', delayMs: 1000, live: 40, refed: 40, timers: [] },
    { file: '/w/a.js', line: 30, column: 1, kind: 'timeout', delayMs: 5, live: 1, refed: 0 },
    { file: 'timerscope-agent.js', line: 460, column: 16, kind: 'interval', live: 52, refed: 52 },
  ];
  const live: SiteView[] = [
    { file: '/w/a.js', line: 11, column: 19, kind: 'interval', delayMs: 1000, live: 92, fired: 300, latenessP99Ms: 12, callbackP99Ms: 1, growing: true, liveHistory: [10, 50, 92] },
    { file: '/w/b.js', line: 3, column: 1, kind: 'immediate', live: 0, fired: 1000 },
  ];
  const merged = mergeLiveSites(snap, live);
  assert.deepEqual(merged.map(s => `${s.file}:${s.line}`), ['/w/a.js:11', '/w/a.js:30', '/w/b.js:3']);
  const [a, b] = merged;
  assert.equal(a.live, 92, 'the agent counts timers the snapshot attributes to its wrapper');
  assert.equal(a.refed, 92, "ref'd counted at the live count: the snapshot's 40 ref'd belong to its older 40 live");
  assert.equal(a.fired, 300);
  assert.equal(a.column, 21, 'the snapshot position stays');
  assert.deepEqual(a.liveHistory, [10, 50, 92]);
  assert.equal(b.fired, undefined, 'no live data: snapshot numbers only');
  assert.deepEqual(mergeLiveSites(snap, []).length, 2, "the agent's own timer is dropped even before live numbers arrive");
});

test("refedAtLiveCount: the snapshot's unref'd timers stay unref'd, timers created since are ref'd", () => {
  assert.equal(refedAtLiveCount({ live: 388, refed: 388 }, 519), 519, 'never unref\'d: all ref\'d at any count');
  assert.equal(refedAtLiveCount({ live: 10, refed: 7 }, 25), 22, "3 unref'd in the snapshot");
  assert.equal(refedAtLiveCount({ live: 10, refed: 0 }, 4), 0, "all unref'd, some cleared since: none ref'd, never negative");
  assert.equal(refedAtLiveCount({ live: 3 }, 9), undefined, 'no ref state known');
  const [site] = mergeLiveSites(
    [{ file: '/w/a.js', line: 5, column: 1, kind: 'interval', live: 388, refed: 388, keepsAlive: true }],
    [{ file: '/w/a.js', line: 5, column: 1, kind: 'interval', live: 519, fired: 1200 }],
  );
  const hover = planDecorations([{ processName: 'app', sites: [site], findings: [] }], DEFAULT_SETTINGS.thresholds, () => true).get('/w/a.js')![0].hover;
  assert.match(hover, /519 of 519/, "the hover's ref'd count is read at the live count");
  assert.equal(site.refed, site.live);
});

test('buildTree lists at most MAX_TIMER_ROWS timers of a site and counts the rest', () => {
  const many = Array.from({ length: MAX_TIMER_ROWS + 25 }, (_, i) => timer(i + 1));
  const [proc] = buildTree([{ id: 's1', name: 'p', state: 'live', cwd: '/w', sites: sitesFromSnapshot(snapshotOf(many)), findings: 0 }], { showInternal: false });
  const rows = proc.children[0].children;
  assert.equal(rows.length, MAX_TIMER_ROWS + 1);
  assert.equal(rows.at(-1)!.label, '… 25 more');
  assert.equal(proc.children[0].description, `${MAX_TIMER_ROWS + 25} live · ref'd · interval 1.0 s`);
});
