/**
 * Finds a desktop VS Code for the @vscode/test-electron runner: `$VSCODE_EXECUTABLE`, a copy test-electron
 * downloaded before (`.vscode-test/`), or a usual install location. When there is none it says whether a
 * download could work (update.code.visualstudio.com answers) so the runner can skip with a reason instead
 * of failing, or pretending to pass, on machines without network access (like the CI machines here).
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export type VscodeLocation =
  | { kind: 'local'; executable: string }
  | { kind: 'download' }
  | { kind: 'none'; reason: string };

const UPDATE_URL = 'https://update.code.visualstudio.com/api/releases/stable';

function candidates(root: string): string[] {
  const cached = join(root, '.vscode-test');
  const fromCache = existsSync(cached)
    ? readdirSync(cached).filter(d => d.startsWith('vscode-')).flatMap(d => [
        join(cached, d, 'code'), // linux archive
        join(cached, d, 'Visual Studio Code.app', 'Contents', 'MacOS', 'Electron'),
        join(cached, d, 'Code.exe'),
      ])
    : [];
  return [
    ...fromCache,
    '/usr/share/code/code',
    '/usr/lib/code/code',
    '/opt/visual-studio-code/code',
    '/snap/code/current/usr/share/code/code',
    '/Applications/Visual Studio Code.app/Contents/MacOS/Electron',
    join(homedir(), 'AppData', 'Local', 'Programs', 'Microsoft VS Code', 'Code.exe'),
  ];
}

async function canDownload(): Promise<boolean> {
  try {
    const res = await fetch(UPDATE_URL, { signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

export async function locateVscode(root: string): Promise<VscodeLocation> {
  const fromEnv = process.env['VSCODE_EXECUTABLE'];
  if (fromEnv) {
    return existsSync(fromEnv) ? { kind: 'local', executable: fromEnv } : { kind: 'none', reason: `VSCODE_EXECUTABLE=${fromEnv} does not exist` };
  }
  const found = candidates(root).find(p => existsSync(p));
  if (found) return { kind: 'local', executable: found };
  if (await canDownload()) return { kind: 'download' };
  return {
    kind: 'none',
    reason: `no desktop VS Code found and ${new URL(UPDATE_URL).host} is unreachable, so @vscode/test-electron cannot download one: ` +
      'set VSCODE_EXECUTABLE=/path/to/code (the Electron binary of a VS Code ≥ 1.100) to run this suite',
  };
}
