/**
 * Runs a fixture script in a plain child `node` (no inspector port) and collects its `RESULT {json}` line,
 * its exit code and stderr. Used by the transparency tests to compare runs with and without the agent.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';

export const fixturesDir = path.join(__dirname, 'fixtures');

export type ChildRun<T> = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; result?: T };

export function runFixture<T = unknown>(
  script: string,
  args: string[] = [],
  opts: { node?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; execArgv?: string[] } = {},
): Promise<ChildRun<T>> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.node ?? process.execPath, [...(opts.execArgv ?? []), path.join(fixturesDir, script), ...args], {
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} did not exit within ${opts.timeoutMs ?? 30000} ms:\n${stdout}\n${stderr}`));
    }, opts.timeoutMs ?? 30000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find(l => l.startsWith('RESULT '));
      resolve({ code, signal, stdout, stderr, result: line ? (JSON.parse(line.slice(7)) as T) : undefined });
    });
  });
}
