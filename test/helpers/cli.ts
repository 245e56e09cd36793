/** Runs the built CLI (dist/cli.js) as a user would and captures its output. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './targets';

export type CliResult = { code: number | null; stdout: string; stderr: string };

export function runCli(args: string[], opts: { cwd?: string; timeoutMs?: number; node?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise(resolve => {
    const child = spawn(opts.node ?? process.execPath, [path.join(repoRoot, 'bin', 'timerscope.js'), ...args], { cwd: opts.cwd ?? repoRoot, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', d => (stdout += d));
    child.stderr.on('data', d => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60000);
    child.on('exit', code => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
