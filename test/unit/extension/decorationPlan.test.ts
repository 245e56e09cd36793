import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, globToRegExp, planDecorations, userFileFilter } from '../../../src/editor/decorationPlan';
import type { SiteView } from '../../../src/editor/siteView';
import type { Finding } from '../../../src/shared/findings';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';

const T = DEFAULT_SETTINGS.thresholds;
const site = (over: Partial<SiteView> = {}): SiteView => ({ file: '/w/src/a.js', line: 10, column: 3, kind: 'interval', delayMs: 1000, live: 1, refed: 1, ...over });
const all = () => true;

test('classify: thresholds give leak, late, long callback, churn, unrefd, healthy; the most severe wins', () => {
  assert.equal(classify([site({ live: 60, growing: true })], [], T).kind, 'leak');
  assert.equal(classify([site({ live: 60, growing: false })], [], T).kind, 'healthy');
  assert.match(classify([site({ latenessP99Ms: 80 })], [], T).reason, /^late: p99 80 ms/);
  assert.match(classify([site({ callbackP99Ms: 120 })], [], T).reason, /^long callback: p99 120 ms/);
  assert.equal(classify([site({ createdPerSecond: 500 })], [], T).kind, 'churn');
  assert.equal(classify([site({ refed: 0 })], [], T).kind, 'unrefd');
  assert.equal(classify([site({ live: 60, growing: true, latenessP99Ms: 80, createdPerSecond: 500 })], [], T).kind, 'leak');
  // Custom SLOs move the line.
  assert.equal(classify([site({ latenessP99Ms: 80 })], [], { ...T, lateMs: 100 }).kind, 'healthy');
});

test('classify: a finding decides even when the numbers look fine', () => {
  const f: Finding = { rule: 'churn', severity: 'warning', message: 'created 900/s', site: { file: '/w/src/a.js', line: 10, column: 3 } } as Finding;
  const c = classify([site()], [f], T);
  assert.equal(c.kind, 'churn');
  assert.equal(c.reason, 'churn: created 900/s');
});

test('planDecorations merges sites of several processes on one line and filters non-user files', () => {
  const plan = planDecorations(
    [
      { processName: 'api (pid 1)', sites: [site({ live: 2 }), site({ file: '/w/node_modules/x/i.js', line: 4 }), site({ file: 'node:internal/timers', line: 1 })], findings: [] },
      { processName: 'worker (pid 2)', sites: [site({ live: 3 }), site({ line: 20, refed: 0 }), site({ line: 30, internal: true })], findings: [] },
    ],
    T,
    userFileFilter(DEFAULT_SETTINGS.userCodeExclude),
  );
  assert.deepEqual([...plan.keys()], ['/w/src/a.js']);
  const marks = plan.get('/w/src/a.js')!;
  assert.deepEqual(marks.map(m => [m.line, m.kind]), [[10, 'healthy'], [20, 'unrefd']]);
  assert.equal(marks[0].sites.length, 2);
  assert.match(marks[0].lens, /^5 live · /);
  assert.match(marks[0].hover, /api \(pid 1\), worker \(pid 2\)/);
});

test('plan lens carries the marker kind; hover has numbers, keep-alive and links', () => {
  const plan = planDecorations(
    [{ processName: 'app.js (pid 7)', sites: [site({ live: 80, refed: 80, keepsAlive: true, growing: true, liveHistory: [10, 40, 80], callback: { name: 'beat', file: '/w/src/a.js', line: 11, column: 5 } })], findings: [] }],
    T,
    all,
  );
  const m = plan.get('/w/src/a.js')![0];
  assert.equal(m.kind, 'leak');
  assert.equal(m.lens, "80 live ↑ · ref'd · interval 1.0 s · leak");
  assert.match(m.hover, /^\*\*Timerscope\*\* · leak: 80 live and growing — _app\.js \(pid 7\)_/);
  assert.match(m.hover, /\| live over time \| 10 → 40 → 80 \|/);
  assert.match(m.hover, /Keeps the process alive:\*\* 80 ref'd interval 1\.0 s timers created here\./);
  const arg = (cmd: string, label: string) => {
    const m2 = new RegExp(`\\[${label}\\]\\(command:${cmd.replace(/\./g, '\\.')}\\?([^)]+)\\)`).exec(m.hover);
    assert.ok(m2, `${label} links to ${cmd}`);
    return JSON.parse(decodeURIComponent(m2[1]))[0];
  };
  assert.deepEqual(arg('timerscope.revealSite', 'beat — a\\.js:11'), { file: '/w/src/a.js', line: 11, column: 5 });
  assert.deepEqual(arg('timerscope.revealSite', 'a\\.js:10:3'), { file: '/w/src/a.js', line: 10, column: 3 });
  assert.deepEqual(arg('timerscope.revealInTimeline', 'Show in timeline'), { uri: 'file:///w/src/a.js', line: 10, column: 3, kind: 'interval' });
});

test('a finding alone (no live site on the line) still gets a mark', () => {
  const f = { rule: 'leak.growth', severity: 'error', message: 'grew 10 → 90', site: { file: '/w/src/b.js', line: 5, column: 1 } } as Finding;
  const plan = planDecorations([{ processName: 'p', sites: [], findings: [f] }], T, all);
  assert.equal(plan.get('/w/src/b.js')![0].kind, 'leak');
});

test('globToRegExp and userFileFilter', () => {
  assert.ok(globToRegExp('**/node_modules/**').test('/w/node_modules/a/b.js'));
  assert.ok(!globToRegExp('**/node_modules/**').test('/w/src/b.js'));
  assert.ok(globToRegExp('*.min.js').test('/w/dist/app.min.js'));
  assert.ok(!globToRegExp('src/*.js').test('/w/src/deep/a.js'));
  assert.ok(globToRegExp('src/*.js').test('/w/src/a.js'));
  const isUser = userFileFilter(['**/node_modules/**', '**/dist/**']);
  assert.equal(isUser('/w/src/a.js'), true);
  assert.equal(isUser('/w/dist/a.js'), false);
  assert.equal(isUser('node:timers'), false, 'not an absolute path');
});

test('informational findings are told in the hover but do not paint the line', () => {
  const f = { rule: 'keepalive', severity: 'info', message: "1 ref'd interval timer(s) keep the process alive", site: { file: '/w/src/a.js', line: 10, column: 3 } } as Finding;
  const plan = planDecorations([{ processName: 'p', sites: [site({ fired: 20 })], findings: [f] }], T, all);
  const m = plan.get('/w/src/a.js')![0];
  assert.equal(m.kind, 'healthy');
  assert.match(m.hover, /- \*\*keepalive\*\* \(info\): 1 ref'd interval/);
});

test('lateness of fewer than five fires does not mark a line late', () => {
  assert.equal(classify([site({ fired: 2, latenessP99Ms: 400, callbackP99Ms: 300 })], [], T).kind, 'healthy');
  assert.equal(classify([site({ fired: 5, latenessP99Ms: 400 })], [], T).kind, 'late');
});
