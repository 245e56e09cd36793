import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..', '..');

// The root tsconfig excludes webview/ (it has no DOM lib); this keeps the browser bundle's own strict check
// (lib DOM, no node types) in the suite until `npm run typecheck` runs both projects.
test('webview/ typechecks under its own tsconfig (DOM lib, no node types)', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'webview', 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
