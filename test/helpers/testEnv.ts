/**
 * Where the test environment installed by `scripts/setup-test-env.sh` lives. Tests use these to find
 * code-server, the extra Node versions and Chromium, and skip (with a message naming the script) when a
 * part is missing.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Must match `CS_VERSION` in scripts/setup-test-env.sh. */
export const CODE_SERVER_VERSION = '4.100.3';
/** Written by the setup script when a part finished installing. */
const MARKER = '.timerscope-complete';

/** `$TIMERSCOPE_CACHE`, else `~/.cache/timerscope`. */
export function cacheDir(): string {
  return process.env.TIMERSCOPE_CACHE || join(homedir(), '.cache', 'timerscope');
}

/** Absolute path of the `node` binary of that major version, or undefined when not installed. */
export function nodeBinary(major: 14 | 16 | 18 | 22 | 24): string | undefined {
  const dir = join(cacheDir(), `node-${major}`);
  const bin = join(dir, 'bin', 'node');
  return existsSync(join(dir, MARKER)) && existsSync(bin) ? bin : undefined;
}

/** Root of the code-server install (run `node <root>/out/node/entry.js`), or undefined when not installed. */
export function codeServerDir(): string | undefined {
  const dir = join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`);
  return existsSync(join(dir, MARKER)) ? dir : undefined;
}

/** Debian's Chromium (`$CHROMIUM_PATH` overrides). */
export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH || '/usr/bin/chromium';
}

/** Launch flags for headless Chromium on this closed network (no background connections, root sandbox off). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The message a test prints when it skips because the setup script has not run. */
export function missingEnvMessage(what: string): string {
  return `${what} is not installed: run \`bash scripts/setup-test-env.sh\` (npm run test:all does)`;
}
