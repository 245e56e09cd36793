/**
 * The extension's mocha suite in desktop VS Code through @vscode/test-electron, for people with a local VS Code:
 *   npm run build && node --import tsx test/integration/runTest.ts
 * It opens a copy of test/fixtures/workspace with this repository as the extension under development.
 * Exit codes: 0 passed, 1 failed, 77 skipped (no VS Code here and none can be downloaded; the reason is printed).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT, buildSuite } from './build';
import { locateVscode } from './vscodeLocator';

export const SKIP_EXIT_CODE = 77;

async function main(): Promise<number> {
  const where = await locateVscode(ROOT);
  if (where.kind === 'none') {
    console.log(`SKIPPED: the @vscode/test-electron suite did not run: ${where.reason}`);
    return SKIP_EXIT_CODE;
  }
  const suite = await buildSuite();
  const tmp = mkdtempSync(join(tmpdir(), 'ts-electron-'));
  const workspace = join(tmp, 'workspace');
  cpSync(join(ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  try {
    await runTests({
      ...(where.kind === 'local' ? { vscodeExecutablePath: where.executable } : { version: '1.100.0' }),
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: suite,
      extensionTestsEnv: { TIMERSCOPE_TEST_NODE: process.execPath },
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'data'), '--skip-welcome', '--skip-release-notes'],
    });
    return 0;
  } catch (err) {
    console.error(`the @vscode/test-electron suite failed: ${(err as Error).message ?? err}`);
    return 1;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) void main().then(code => process.exit(code));
