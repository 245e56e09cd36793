/**
 * The live-numbers bridge of the extension's language client (src/client/liveSites.ts): the extension's
 * SiteView list becomes one `timerscope/liveSites` notification, only when it changed, and the real
 * server merges it into the static lens of the matching call (one lens, not two).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { liveSitesParams, LiveSitesBridge } from '../../../src/client/liveSites';
import { lensText, sumSites } from '../../../src/editor/lensText';
import type { SiteView } from '../../../src/editor/siteView';
import { LiveSitesNotification } from '../../../src/shared/lspProtocol';
import { FIXTURES, LspClient } from './lspClient';

const file = join(FIXTURES, 'cases', 'case04-target.js');
const site = (over: Partial<SiteView>): SiteView => ({ file, line: 24, column: 5, kind: 'interval', delayMs: 2000, live: 10, ...over });

describe('live sites bridge', () => {
  it('keeps user files with absolute paths, one entry per file, sorted, undefined numbers left out', () => {
    const p = liveSitesParams([
      site({ line: 56, column: 3, kind: 'timeout', live: 1 }),
      site({ live: 30, created: 30, cleared: 0, fired: 450, growing: true, latenessP99Ms: 4, threadId: 0 }),
      { file: 'node:timers', line: 1, column: 1, kind: 'timeout', live: 3 },
      site({ file: '/x/node_modules/dep/index.js', internal: true }),
      site({ file: 'relative.js' }),
    ]);
    assert.equal(p.replace, true);
    assert.deepEqual(p.files, [{
      uri: pathToFileURL(file).href,
      sites: [
        { line: 24, column: 5, kind: 'interval', live: 30, created: 30, cleared: 0, fired: 450, growing: true, latenessP99Ms: 4 },
        { line: 56, column: 3, kind: 'timeout', live: 1 },
      ],
    }]);
  });

  describe('through the real server', () => {
    let client: LspClient;
    before(async () => { client = await LspClient.start(); });
    after(async () => { assert.equal(await client.shutdown(), 0); });

    it('sends only changes, and the server shows the numbers in the one lens of the call', async () => {
      const uri = pathToFileURL(file).href;
      await client.openFixture('cases/case04-target.js');
      const title = async () => (await client.codeLenses(uri)).filter(l => l.range.start.line === 23).map(l => l.command!.title);
      const staticTitle = 'interval 2000 ms · per request · handle discarded';
      assert.deepEqual(await title(), [staticTitle]);

      const sent: LiveSitesNotification.Params[] = [];
      const bridge = new LiveSitesBridge(p => { sent.push(p); return client.conn.sendNotification(LiveSitesNotification.type, p); });
      bridge.clear();
      assert.equal(sent.length, 0, 'nothing to clear before anything was sent');

      const r0 = client.refreshes;
      bridge.update([site({ live: 20, growing: true, created: 20, cleared: 0 })]);
      bridge.update([site({ live: 20, growing: true, created: 20, cleared: 0 })]);
      assert.equal(sent.length, 1, 'an unchanged model is not sent again');
      await client.waitRefreshes(r0 + 1);
      assert.deepEqual(await title(), [`${staticTitle} — 20 live ↑`]);

      // Two threads with timers from the same call: their numbers are added up in the same lens.
      // Worst percentiles, summed counts; ref state travels too (all unref'd: the lens says so, as the extension's does).
      const threads = [
        site({ live: 20, created: 20, fired: 1000, refed: 0, latenessP99Ms: 3, callbackP99Ms: 0.25, threadId: 0 }),
        site({ live: 5, created: 5, fired: 204, refed: 0, latenessP99Ms: 18.4, threadId: 1 }),
      ];
      bridge.update(threads);
      await client.waitRefreshes(r0 + 2);
      assert.deepEqual(await title(), [`${staticTitle} — 25 live · 1,204 fired · p99 late 18 ms · cb p99 0.3 ms · unref'd`]);
      assert.deepEqual(await title(), [`${staticTitle} — ${lensText(sumSites(threads))}`], 'the same live text as the extension lens');

      bridge.clear();
      await client.waitRefreshes(r0 + 3);
      assert.deepEqual(await title(), [staticTitle]);
      assert.equal(sent.length, 3);
    });
  });
});
