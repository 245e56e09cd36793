/**
 * Lens invalidations (docs/extension.md, "lenses stale under load"): the live-numbers bridge to the language
 * server sends (and so makes the server refresh its lenses) only when a lens's live text changes, and only
 * the numbers of files in view.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LiveSitesBridge, lensSignature, liveSitesParams } from '../../../src/client/liveSites';
import type { SiteView } from '../../../src/editor/siteView';
import type { LiveSitesNotification } from '../../../src/shared/lspProtocol';

const site = (over: Partial<SiteView> = {}): SiteView =>
  ({ file: '/w/a.js', line: 4, column: 3, kind: 'interval', live: 10, refed: 10, fired: 100, created: 10, cleared: 0, ...over });

test('LiveSitesBridge: numbers no lens shows do not make the server refresh lenses; lens text changes do', () => {
  const sent: LiveSitesNotification.Params[] = [];
  const bridge = new LiveSitesBridge(p => void sent.push(p));
  assert.equal(bridge.update([site()]), true);
  assert.equal(bridge.update([site({ created: 11, cleared: 1, overlaps: 2 })]), false, 'created/cleared/overlaps are not in the lens');
  assert.equal(bridge.update([site({ fired: 101 })]), true, '"101 fired" reads differently');
  assert.equal(bridge.update([site({ fired: 101, latenessP99Ms: 12.01 })]), true);
  assert.equal(bridge.update([site({ fired: 101, latenessP99Ms: 12.2 })]), false, 'both read "p99 late 12 ms"');
  assert.equal(sent.length, 3);
  assert.equal(bridge.clear(), true);
  assert.equal(bridge.clear(), false);
});

test('liveSitesParams: only the files shown; lensSignature keeps what the lens reads', () => {
  const sites = [site(), site({ file: '/w/b.js' })];
  const shown = liveSitesParams(sites, f => f === '/w/b.js');
  assert.deepEqual(shown.files.map(f => f.uri), ['file:///w/b.js']);
  assert.equal(liveSitesParams(sites).files.length, 2);
  assert.equal(lensSignature(liveSitesParams([site()])), JSON.stringify([['file:///w/a.js', [[4, 3, 'interval', '10 live · 100 fired']]]]));
});
