/**
 * Mocha loader run inside an extension host (the `extensionTestsPath` of @vscode/test-electron, or called
 * by the code-server e2e test): runs the suite and resolves with its counts, rejecting on any failure.
 */
import Mocha from 'mocha';

export type SuiteResult = { passes: number; failures: number; pending: number; failed: string[] };

export function run(): Promise<SuiteResult> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 90_000 });
  // Define describe/it on the global object, then load the test modules (bundled, so required in place).
  mocha.suite.emit('pre-require', globalThis, 'extension.suite', mocha);
  require('./extension.suite');
  return new Promise((resolve, reject) => {
    const failed: string[] = [];
    const runner = mocha.run(() => {
      const r = { passes: runner.stats?.passes ?? 0, failures: failed.length, pending: runner.stats?.pending ?? 0, failed };
      if (failed.length) reject(new Error(`${failed.length} of the extension suite's tests failed:\n${failed.join('\n')}`));
      else resolve(r);
    });
    runner.on('fail', (test, err: Error) => failed.push(`${test.fullTitle()}: ${err.message}`));
  });
}
