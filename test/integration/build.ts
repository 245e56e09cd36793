/**
 * Bundles the mocha suite (suite/index.ts with its tests, and mocha itself: mocha 12 is ESM-only, which an
 * extension host cannot `require`) into out/integration/suite.js, loadable by any extension host: desktop
 * VS Code through @vscode/test-electron, or code-server (test/e2e/extensionIntegration.test.ts).
 */
import { join } from 'node:path';
import * as esbuild from 'esbuild';

export const ROOT = join(__dirname, '..', '..');
export const SUITE_BUNDLE = join(ROOT, 'out', 'integration', 'suite.js');

export async function buildSuite(): Promise<string> {
  await esbuild.build({
    entryPoints: [join(__dirname, 'suite', 'index.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode'], outfile: SUITE_BUNDLE, sourcemap: 'inline',
    // mocha's parallel mode resolves worker files at run time; the suite runs serially, so that code stays unused.
    logLevel: 'error',
  });
  return SUITE_BUNDLE;
}
