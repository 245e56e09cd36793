/**
 * Real VS Code for e2e tests: code-server (installed by scripts/setup-test-env.sh) on 127.0.0.1 with a fresh
 * user-data and extensions dir, a workspace opened in headless Chromium through playwright-core, and a small
 * driver extension (codeServerDriver.ts) to run commands with arguments in the extension host. Everything
 * started here (code-server's process tree, Chromium, the temp dir) is ended by `stop()`, and killed when
 * the test process exits without calling it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type * as vscodeApi from 'vscode';
import { ROOT, SCREENSHOTS, launchChromium, newTestPage, until } from '../e2e/timelineBrowser';
import type { DriverRequest, DriverResponse } from './codeServerDriver';
import { chromiumPath, codeServerDir, missingEnvMessage } from './testEnv';

export type CodeServerOptions = {
  /** The folder to open. */
  workspace: string;
  /** Installs the extensions under test into the (empty) extensions dir; the driver is added by the harness. */
  installExtensions?: (extensionsDir: string) => Promise<void> | void;
  /** `off` starts code-server with --disable-workspace-trust; `trusted` answers the trust dialog with yes; `untrusted` opens in Restricted Mode. */
  trust?: 'off' | 'trusted' | 'untrusted';
  /** Extra environment for code-server and so its extension host. */
  env?: NodeJS.ProcessEnv;
  /** User settings merged over the harness's quiet defaults. */
  userSettings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
};

export type CodeServer = {
  url: string;
  page: Page;
  browser: Browser;
  /** The temp dir holding user data, extensions and whatever the test puts there. */
  dir: string;
  /** Everything code-server printed so far. */
  log(): string;
  /** `vscode.commands.executeCommand(id, ...args)` in the extension host; the result as JSON. */
  command<T = unknown>(id: string, ...args: unknown[]): Promise<T>;
  /** Runs `fn(vscode, ...args)` in the extension host (it must not close over test variables; `require` is the host's). */
  evaluate<T, A extends unknown[]>(fn: (vscode: typeof vscodeApi, ...args: A) => T | Promise<T>, ...args: A): Promise<T>;
  /** Runs a command from the palette by its label, e.g. `Timerscope: Detach`. */
  palette(label: string): Promise<void>;
  /** Saves a screenshot of the page as docs/screenshots/<name>.png. */
  screenshot(name: string): Promise<void>;
  stop(): Promise<void>;
};

/** Settings that keep a fresh VS Code from showing welcome pages, tips and prompts over what the test looks at. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'editor.minimap.enabled': false,
  'window.commandCenter': false,
};

/** Why code-server tests cannot run here (the skip message), or false when code-server and Chromium are installed. */
export function codeServerMissing(): string | false {
  if (!codeServerDir()) return missingEnvMessage('code-server');
  if (!existsSync(chromiumPath())) return missingEnvMessage(`Chromium (${chromiumPath()})`);
  return false;
}

/** Bundles a test extension (`entry` exports activate) with its manifest into `extDir`. */
export async function bundleExtension(entry: string, extDir: string, manifest: Record<string, unknown>): Promise<void> {
  mkdirSync(join(extDir, 'dist'), { recursive: true });
  await esbuild.build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode'], outfile: join(extDir, 'dist', 'extension.js'), logLevel: 'warning',
  });
  writeFileSync(join(extDir, 'package.json'), JSON.stringify({ engines: { vscode: '^1.100.0' }, main: './dist/extension.js', ...manifest }));
}

/** The repository's extension id (`publisher.name`) and version, from package.json. */
export function repoExtension(): { id: string; version: string } {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return { id: `${pkg.publisher}.${pkg.name}`, version: pkg.version };
}

/** Installs the built extension (package.json, dist/, media/ as the .vsix lays them out); needs `npm run build`. */
export function installRepoExtension(extensionsDir: string): void {
  if (!existsSync(join(ROOT, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const { id, version } = repoExtension();
  const dest = join(extensionsDir, `${id}-${version}`);
  mkdirSync(dest, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dest, 'package.json'));
  for (const d of ['dist', 'media']) if (existsSync(join(ROOT, d))) cpSync(join(ROOT, d), join(dest, d), { recursive: true });
}

/** Installs a .vsix with code-server's own `--install-extension` (what a user of the package does). */
export function installVsix(extensionsDir: string, vsix: string): void {
  const cs = codeServerDir();
  if (!cs) throw new Error('code-server is not installed (run scripts/setup-test-env.sh)');
  execFileSync(process.execPath, [join(cs, 'out', 'node', 'entry.js'), '--extensions-dir', extensionsDir, '--install-extension', vsix], {
    stdio: 'pipe', timeout: 120_000,
  });
}

async function installDriver(extensionsDir: string): Promise<void> {
  await bundleExtension(join(__dirname, 'codeServerDriver.ts'), join(extensionsDir, 'timerscope-test.driver-0.0.1'), {
    name: 'driver', publisher: 'timerscope-test', version: '0.0.1', activationEvents: ['*'],
    capabilities: { untrustedWorkspaces: { supported: true } },
  });
}

/**
 * code-server and every process below it, leaves first. Its server runs in a session of its own, and a debug
 * target js-debug launches sits in that one, so killing our child's process group is not enough.
 */
function processTree(root: number): number[] {
  let table: string;
  try {
    table = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  } catch {
    return [root];
  }
  const children = new Map<number, number[]>();
  for (const line of table.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number);
    if (!pid || ppid === undefined) continue;
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  const out: number[] = [];
  const visit = (pid: number) => {
    for (const c of children.get(pid) ?? []) visit(c);
    out.push(pid);
  };
  visit(root);
  return out;
}

function killAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** True while process `pid` exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const cs = codeServerDir();
  if (!cs) throw new Error('code-server is not installed (run scripts/setup-test-env.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'ts-code-server-'));
  const extensionsDir = join(dir, 'extensions');
  const userData = join(dir, 'data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  const trust = opts.trust ?? 'off';
  writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
    ...QUIET_SETTINGS,
    ...(trust === 'untrusted' ? { 'security.workspace.trust.startupPrompt': 'never' } : {}),
    ...opts.userSettings,
  }, null, 2));
  mkdirSync(extensionsDir, { recursive: true });
  await installDriver(extensionsDir);
  await opts.installExtensions?.(extensionsDir);

  const driverFile = join(dir, 'driver.json');
  const server = spawn(
    process.execPath,
    [join(cs, 'out', 'node', 'entry.js'), '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry',
      '--disable-update-check', ...(trust === 'off' ? ['--disable-workspace-trust'] : []),
      '--extensions-dir', extensionsDir, '--user-data-dir', userData, opts.workspace],
    { env: { ...process.env, ...opts.env, TIMERSCOPE_DRIVER_FILE: driverFile }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const killOnExit = () => killAll(processTree(server.pid!), 'SIGKILL');
  process.once('exit', killOnExit);
  let out = '';
  server.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  server.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
  let browser: Browser | undefined;

  const stop = async () => {
    process.off('exit', killOnExit);
    await browser?.close().catch(() => undefined);
    // Taken before anything dies: orphans are re-parented and could not be found afterwards.
    const tree = server.pid ? processTree(server.pid) : [];
    killAll(tree, 'SIGTERM');
    await until(() => !tree.some(isAlive), 'code-server and its processes to exit', 5000).catch(() => killAll(tree, 'SIGKILL'));
    await until(() => !tree.some(isAlive), 'code-server and its processes to be killed', 5000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const listening = /listening on (http:\/\/127\.0\.0\.1:\d+\/)/;
    await until(() => listening.test(out) || server.exitCode !== null, 'code-server to listen', 60_000);
    if (!listening.test(out)) throw new Error(`code-server exited: ${out}`);
    const url = listening.exec(out)![1]!;
    browser = await launchChromium();
    const page = await newTestPage(browser, opts.viewport?.width ?? 1400, opts.viewport?.height ?? 900);
    await page.goto(`${url}?folder=${encodeURIComponent(opts.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    if (trust === 'trusted') {
      await page.locator('.monaco-dialog-box .monaco-button', { hasText: 'Yes, I trust the authors' }).click({ timeout: 60_000 });
    }
    await until(() => existsSync(driverFile), 'the extension host (driver extension)', 60_000);
    const driver = JSON.parse(readFileSync(driverFile, 'utf8')) as { port: number; token: string };

    const send = async (req: DriverRequest): Promise<unknown> => {
      const res = await fetch(`http://127.0.0.1:${driver.port}/`, {
        method: 'POST', headers: { authorization: `Bearer ${driver.token}` }, body: JSON.stringify(req),
      });
      const r = (await res.json()) as DriverResponse;
      if (!r.ok) throw new Error(`in the extension host: ${r.error}`);
      return r.value;
    };

    return {
      url, page, browser, dir,
      log: () => out,
      command: <T>(command: string, ...args: unknown[]) => send({ kind: 'command', command, args }) as Promise<T>,
      evaluate: <T, A extends unknown[]>(fn: (v: typeof vscodeApi, ...a: A) => T | Promise<T>, ...args: A) =>
        send({ kind: 'evaluate', source: fn.toString(), args }) as Promise<T>,
      async palette(label) {
        await page.keyboard.press('F1');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor();
        await input.fill(`>${label}`);
        // The row whose label is exactly `label` (the palette also lists fuzzy matches).
        const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) });
        await row.first().click({ timeout: 20_000 });
      },
      async screenshot(name) {
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
