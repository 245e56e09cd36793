/** `timerscope-lsp` (bin/timerscope-lsp.js), the entry point for editors other than VS Code. */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { lineRules, LspClient, ROOT } from './lspClient';

const BIN = join(ROOT, 'bin', 'timerscope-lsp.js');

describe('timerscope-lsp', () => {
  it('--stdio serves LSP: initialize, diagnostics for an opened file, shutdown/exit', async () => {
    const client = await LspClient.start({ args: [BIN, '--stdio'] });
    try {
      assert.equal(client.init.serverInfo?.name, 'timerscope-lsp');
      const { uri } = await client.openFixture('cases/case01-port-lease.js');
      assert.deepEqual(lineRules(await client.diagnostics(uri)), ['12:discarded-handle']);
      assert.equal(await client.shutdown(), 0);
    } finally {
      client.kill();
    }
  });

  it('dist/server.js --node-ipc (the transport the VS Code client uses) serves the same session', async () => {
    const client = await LspClient.start({ transport: 'ipc' });
    try {
      const { uri } = await client.openFixture('cases/case11-target.js');
      assert.deepEqual(lineRules(await client.diagnostics(uri)), ['11:timers-promises-leak', '19:timers-promises-leak']);
      assert.equal((await client.codeLenses(uri)).length, 5);
      assert.equal(await client.shutdown(), 0);
    } finally {
      client.kill();
    }
  });

  it('without a transport it prints one line of usage and exits with 2', () => {
    const r = spawnSync(process.execPath, [BIN], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^timerscope-lsp: choose a transport\. usage: timerscope-lsp --stdio \| --node-ipc \| --socket=<port>/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  });

  it('--version prints the package version', () => {
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0);
    assert.equal(r.stdout.trim(), require('../../../package.json').version);
  });
});
