/** What `vsce package` would put in the .vsix (`vsce ls`): only what the extension runs, no sources or maps. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const root = join(__dirname, '..', '..', '..');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');

test('vsce ls: the allow-list of .vscodeignore', { timeout: 120_000 }, async t => {
  if (!existsSync(join(root, 'dist', 'extension.js'))) return t.skip('dist/ is not built (npm run build)');
  const { stdout } = await promisify(execFile)(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, timeout: 110_000 });
  const files = stdout.split('\n').map(l => l.trim()).filter(Boolean).sort();
  for (const need of ['package.json', 'README.md', 'LICENSE', 'dist/extension.js', 'dist/agent.js', 'dist/server.js', 'dist/webview/timeline.js', 'media/icons/timerscope.svg', 'media/icons/dark/leak.svg', 'media/icons/light/unrefd.svg']) {
    assert.ok(files.includes(need), `${need} is packaged: ${files.join(', ')}`);
  }
  const unwanted = files.filter(f => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|dist\/(extension|agent|server)\.js|dist\/webview\/[^/]+\.(js|css)|media\/.+)$/.test(f));
  assert.deepEqual(unwanted, [], 'nothing else (no sources, tests, maps, CLI)');
});
