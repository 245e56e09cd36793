import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeKind, formatCount, formatMs, lensText, sumSites } from '../../../src/editor/lensText';
import type { SiteView } from '../../../src/editor/siteView';
import { planLenses } from '../../../src/server/analysis/lenses';

const site = (over: Partial<SiteView> = {}): SiteView => ({ file: '/w/a.js', line: 3, column: 5, kind: 'interval', delayMs: 1000, live: 3, ...over });

test('live lens: the issue example, exactly', () => {
  assert.equal(
    lensText(site({ live: 3, fired: 1204, latenessP99Ms: 18, callbackP99Ms: 4 })),
    '3 live · 1,204 fired · p99 late 18 ms · cb p99 4 ms',
  );
});

test('snapshot lens: ref state and kind instead of fire numbers', () => {
  assert.equal(lensText(site({ live: 38, refed: 38 })), "38 live · ref'd · interval 1.0 s");
  assert.equal(lensText(site({ live: 1, refed: 0, kind: 'timeout', delayMs: 300_000 })), "1 live · unref'd · timeout 300 s");
  assert.equal(lensText(site({ live: 4, refed: 1, kind: 'immediate', delayMs: 0 })), "4 live · 1 ref'd · immediate");
  assert.equal(lensText(site({ live: 5, refed: 5, growing: true })), "5 live ↑ · ref'd · interval 1.0 s");
});

test('formatMs picks a precision that suits the size', () => {
  assert.deepEqual([0.42, 4, 18.4, 999, 1200, 12_345].map(formatMs), ['0.4 ms', '4 ms', '18 ms', '999 ms', '1.2 s', '12 s']);
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(describeKind({ kind: 'timeout', delayMs: 50 }), 'timeout 50 ms');
  assert.equal(describeKind({ kind: 'immediate', delayMs: 0 }), 'immediate');
});

test('sumSites adds counts and keeps the worst percentiles of two sites on one line', () => {
  const s = sumSites([site({ live: 2, fired: 10, latenessP99Ms: 5 }), site({ live: 3, fired: 1, latenessP99Ms: 40, growing: true })]);
  assert.equal(s.live, 5);
  assert.equal(s.fired, 11);
  assert.equal(s.latenessP99Ms, 40);
  assert.equal(s.growing, true);
});

test('a live site that never fired shows no percentiles', () => {
  assert.equal(lensText(site({ live: 1, fired: 0, latenessP99Ms: 0, callbackP99Ms: 0 })), '1 live · 0 fired');
});

test("live lens of an unref'd site says unref'd", () => {
  assert.equal(lensText(site({ live: 1, refed: 0, fired: 0 })), "1 live · 0 fired · unref'd");
  assert.equal(lensText(site({ live: 2, refed: 2, fired: 7, latenessP99Ms: 3, callbackP99Ms: 0.2 })), '2 live · 7 fired · p99 late 3 ms · cb p99 0.2 ms');
});

test("the language server's merged lens reads `<static facts> — <this same live text>`", () => {
  const numbers = { live: 188, refed: 188, growing: true, fired: 1204, latenessP99Ms: 37.4, callbackP99Ms: 0.04 };
  const [lens] = planLenses(
    [{ line: 3, column: 5, range: { start: { line: 2, character: 4 }, end: { line: 2, character: 30 } }, kind: 'interval', api: 'timers', facts: ['interval 1000 ms', 'never cleared'], rules: ['never-cleared'] }],
    [{ line: 3, column: 5, kind: 'interval', ...numbers }],
  );
  assert.equal(lensText(site(numbers)), '188 live ↑ · 1,204 fired · p99 late 37 ms · cb p99 0 ms');
  assert.equal(lens.title, `interval 1000 ms · never cleared — ${lensText(site(numbers))}`);
});
