/**
 * The Timerscope extension as the code-server e2e tests see it: a copy of the fixture workspace
 * (test/fixtures/workspace) with the lines of src/app.js by their `fixture:` tags, code-server started on it
 * with the built extension (or the .vsix named by $TIMERSCOPE_E2E_VSIX), and readers for what the extension shows (sessions through its test API, the
 * status bar item, the side bar tree, the editor's gutter and lenses). Texts follow docs/extension.md.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../e2e/timelineBrowser';
import { installRepoExtension, installVsix, repoExtension, startCodeServer, type CodeServer, type CodeServerOptions } from './codeServer';
import { codeLenses, gutterIcons, lineOf, type GutterIcon, type Lens } from './codeServerEditor';

export { isAlive } from './codeServer';

export const EXT = repoExtension().id;
const FIXTURE = join(__dirname, '..', 'fixtures', 'workspace');
const TAGS = ['leak', 'accept', 'late', 'blocking', 'churn', 'typing', 'lifetime'] as const;

export type SessionInfo = { id: string; name: string; state: string; pid?: number };

/**
 * A lens with live numbers: the extension's own (`3 live · …`) or, once the language server serves the file,
 * its static lens with the numbers merged in (`interval 1000 ms · … — live 188 ↑ · …`).
 */
export const LIVE = /(?:^|— )(?:live [\d,]+|[\d,]+ live)\b/;
export const GROWING = /(?:^|— )(?:live [\d,]+|[\d,]+ live) ↑/;
export const liveLensLines = (lenses: Lens[]) => lenses.filter(l => LIVE.test(l.text)).map(l => l.line);
export const iconOn = (icons: GutterIcon[], line: number) => icons.find(i => i.line === line)?.icon;
export const lensOn = (lenses: Lens[], line: number) => lenses.find(l => l.line === line)?.text;

export type TimerscopeUi = {
  vsc: CodeServer;
  ws: string;
  /** src/app.js of the copy. */
  app: string;
  /** Lines of app.js by tag (leak, accept, late, blocking, churn, typing, lifetime). */
  L: Record<(typeof TAGS)[number], number>;
  /** Every line of app.js that creates a timer: each gets a marker and a lens. */
  timerLines: number[];
  sessions(): Promise<SessionInfo[]>;
  /** The lens texts of app.js in the extension's current plan (test API). */
  planLenses(): Promise<string[]>;
  /** The Timerscope status bar item's text, codicons left out; undefined when hidden. */
  statusText(): Promise<string | undefined>;
  /** Rows of the side bar's tree as `label description`. */
  sidebarRows(): Promise<string[]>;
  toasts(): Promise<string>;
  openApp(): Promise<void>;
  /** Waits until the gutter and lenses of the active editor satisfy `ok`; on timeout says what they and the plan showed. */
  editorShows(what: string, ok: (icons: GutterIcon[], lenses: Lens[]) => boolean, timeoutMs?: number): Promise<{ icons: GutterIcon[]; lenses: Lens[] }>;
  detachAll(): Promise<void>;
  stop(): Promise<void>;
};

export async function startTimerscopeUi(opts: Pick<CodeServerOptions, 'trust' | 'env'> = {}): Promise<TimerscopeUi> {
  const tmp = mkdtempSync(join(tmpdir(), 'ts-ext-e2e-'));
  const ws = join(tmp, 'workspace');
  cpSync(FIXTURE, ws, { recursive: true });
  const app = join(ws, 'src', 'app.js');
  const src = readFileSync(app, 'utf8');
  const L = Object.fromEntries(TAGS.map(t => [t, lineOf(src, `fixture:${t}`)])) as TimerscopeUi['L'];
  let vsc: CodeServer;
  try {
    vsc = await startCodeServer({
      ...opts,
      workspace: ws,
      // $TIMERSCOPE_E2E_VSIX: test the packaged .vsix (npm run package) instead of the built tree.
      installExtensions: dir => (process.env['TIMERSCOPE_E2E_VSIX'] ? installVsix(dir, process.env['TIMERSCOPE_E2E_VSIX']) : installRepoExtension(dir)),
      userSettings: { 'timerscope.refreshIntervalMs': 500 },
      // Tall enough for all of app.js plus a lens above each timer line.
      viewport: { width: 1400, height: 1200 },
    });
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  const page = vsc.page;
  const statusItem = () => page.locator('.part.statusbar .statusbar-item', { hasText: /· [\d,]+ timers?\b/ });
  const ui: TimerscopeUi = {
    vsc, ws, app, L,
    timerLines: Object.values(L).sort((a, b) => a - b),
    sessions: () =>
      vsc.evaluate((v, id) => {
        // Not active yet: nothing attached (reading `exports` would throw).
        const ext = v.extensions.getExtension(id);
        const api = ext?.isActive ? (ext.exports as { sessions: { list(): SessionInfo[] } }) : undefined;
        return (api?.sessions.list() ?? []).map(s => ({ id: s.id, name: s.name, state: s.state, pid: s.pid }));
      }, EXT),
    planLenses: () =>
      vsc.evaluate((v, id, file) => {
        const ext = v.extensions.getExtension(id);
        const api = ext?.isActive ? (ext.exports as { plan(): Map<string, { lens: string }[]> }) : undefined;
        return (api?.plan().get(file) ?? []).map(m => m.lens);
      }, EXT, app),
    statusText: async () => (await statusItem().allInnerTexts()).map(t => t.replace(/\s+/g, ' ').trim())[0],
    sidebarRows: () =>
      page.locator('.part.sidebar .monaco-list-row').evaluateAll(rows =>
        rows.map(r => ['.label-name', '.label-description'].map(c => r.querySelector(c)?.textContent?.trim() ?? '').join(' ').trim())),
    toasts: async () => (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join('\n'),
    async openApp() {
      await vsc.evaluate(async (v, file) => void (await v.window.showTextDocument(v.Uri.file(file))), app);
      await page.locator('.part.editor .tab.active', { hasText: 'app.js' }).waitFor({ timeout: 20_000 });
    },
    async editorShows(what, ok, timeoutMs = 45_000) {
      let icons: GutterIcon[] = [];
      let lenses: Lens[] = [];
      try {
        await until(async () => ok((icons = await gutterIcons(page)), (lenses = await codeLenses(page))), what, timeoutMs);
      } catch (err) {
        // What the extension's plan says at the same moment, to tell a stale editor from a wrong plan.
        const plan = await ui.planLenses().catch(() => []);
        throw new Error(`${(err as Error).message}\ngutter: ${JSON.stringify(icons)}\nlenses in the editor: ${JSON.stringify(lenses)}\nlenses in the plan: ${JSON.stringify(plan)}`);
      }
      return { icons, lenses };
    },
    async detachAll() {
      for (const s of await ui.sessions()) await vsc.command('timerscope.detach', { id: s.id });
      await ui.editorShows('a clean editor', i => i.length === 0, 20_000);
    },
    async stop() {
      await vsc.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  return ui;
}
