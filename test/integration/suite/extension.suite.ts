/**
 * The extension through the VS Code API, in whatever extension host runs this (desktop VS Code or
 * code-server), opened on a copy of test/fixtures/workspace, trusted: activation and commands, attach to a
 * real `node --inspect=127.0.0.1:0` fixture program (marks, code lenses and hovers through VS Code's own
 * provider commands), detach, and auto-attach to a debug session of the fixture's launch.json.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { TimerscopeApi } from '../../../src/extension';
import { parseDebuggerListening } from '../../../src/inspector/targetDiscovery';

const EXT = 'timerscope.timerscope';

async function until<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('Timerscope in an extension host', () => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const app = folder ? join(folder.uri.fsPath, 'src', 'app.js') : '';
  let leakLine = 0;
  let api: TimerscopeApi;
  const children: ChildProcess[] = [];

  before(() => {
    assert.ok(folder, 'opened on (a copy of) test/fixtures/workspace');
    leakLine = readFileSync(app, 'utf8').split('\n').findIndex(l => l.includes('fixture:leak')) + 1;
    assert.ok(leakLine > 0);
  });

  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await api?.sessions.detachAll();
  });

  it('activates on demand, quickly, and registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension<TimerscopeApi>(EXT);
    assert.ok(ext, `${EXT} is installed`);
    api = await ext.activate();
    assert.ok(api.activationMs < 1000, `activate() took ${api.activationMs} ms`);
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands) {
      assert.ok(all.has(c.command), `command ${c.command} is registered`);
    }
  });

  it('attach by inspector URL: a leak mark, lens and hover on the leaking line; detach clears them', async () => {
    const child = spawn(process.env['TIMERSCOPE_TEST_NODE'] ?? process.execPath, ['--inspect=127.0.0.1:0', app], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
    const url = await until('the fixture inspector URL', () => parseDebuggerListening(err), 20_000);
    const doc = await vscode.workspace.openTextDocument(app);
    await vscode.window.showTextDocument(doc);
    const s = await vscode.commands.executeCommand<{ id: string; name: string } | undefined>('timerscope.attachToInspector', { url });
    assert.ok(s, 'attached');
    assert.equal(s.name, `app.js (pid ${child.pid})`);
    await until('a leak mark on the leaking setInterval', () => api.plan().get(app)?.find(m => m.line === leakLine && m.kind === 'leak'));

    // Our lens (`$(watch) 3 live · …`) or the language server's with the live numbers merged in (`… — live 3 ↑ · …`).
    const lensOnLeak = async () =>
      (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri))
        .find(l => l.range.start.line === leakLine - 1 && /(?:live [\d,]+|[\d,]+ live)\b/.test(l.command?.title ?? ''));
    const lens = await until('a lens with live numbers on the leaking line', async () => {
      const l = await lensOnLeak();
      return l && / ↑/.test(l.command!.title) ? l : undefined;
    });
    assert.ok(lens.command!.command, 'the lens does something when clicked');

    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(leakLine - 1, 10));
    const text = hovers.flatMap(h => h.contents.map(c => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Timerscope\W+· leak[\w.]*: /);
    assert.match(text, /Keeps the process alive/);
    assert.match(text, new RegExp(`Created at \\[app\\.js:${leakLine}:\\d+\\]`));

    await vscode.commands.executeCommand('timerscope.detach', { id: s.id });
    assert.deepEqual(api.sessions.list(), []);
    await until('no marks after detach', () => api.plan().size === 0 || undefined);
    await until('no live numbers in lenses after detach', async () => ((await lensOnLeak()) ? undefined : true));
    assert.equal(child.exitCode, null, 'detaching leaves the program running');
  });

  it('auto-attaches to a debug session of the fixture launch.json and detaches when it ends', async () => {
    await api.sessions.detachAll(); // whatever a failed test before left attached
    assert.equal(vscode.workspace.getConfiguration('timerscope').get('autoAttach'), 'always');
    assert.ok(await vscode.debug.startDebugging(folder, 'Run app'), 'the debug session started');
    try {
      await until('a leak mark from the debug session', () => api.plan().get(app)?.find(m => m.line === leakLine && m.kind === 'leak'), 60_000);
      const [s] = api.sessions.list();
      assert.match(s!.name, /Run app/);
    } finally {
      await vscode.debug.stopDebugging();
    }
    await until('the session to go with the debug session', () => (api.sessions.list().length === 0 ? true : undefined), 30_000);
  });
});
