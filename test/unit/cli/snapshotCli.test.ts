/** The `timerscope snapshot` / `diff` commands as a user runs them, including every kind of bad input. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import type { Snapshot } from '../../../src/shared/snapshot';
import { runCli } from '../../helpers/cli';
import { countAt, describeSites, sitesAt } from '../../helpers/snapshots';
import { repoRoot, startTarget } from '../../helpers/targets';
import { missingEnvMessage, nodeBinary } from '../../helpers/testEnv';

const fixture = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'programs', name);

before(() => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'examples', 'build.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

function oneLineError(stderr: string): string {
  const lines = stderr.trim().split('\n').filter(l => l.startsWith('timerscope:'));
  assert.equal(lines.length, 1, `expected one error line, got:\n${stderr}`);
  return lines[0];
}

test('the example: the leaking heartbeat interval is reported at its TypeScript line, as JSON and as a report', async t => {
  const target = await startTarget(t, path.join(repoRoot, 'examples', 'dist', 'server.js'), { cwd: repoRoot });
  await target.waitForOutput(/12 logins and logouts served/);
  const json = await runCli(['snapshot', '--ws', target.url, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const snap = JSON.parse(json.stdout) as Snapshot;
  assert.equal(snap.schema, 'timerscope.snapshot/v1');
  assert.equal(snap.process.pid, target.child.pid);
  assert.equal(countAt(snap, 'examples/src/sessions.ts', 22, 'interval'), 12, describeSites(snap));
  assert.equal(snap.sites[0].file, 'examples/src/sessions.ts', 'the leak comes first');
  const t0 = snap.timers.find(x => x.location?.file === 'examples/src/sessions.ts')!;
  assert.deepEqual(t0.generated && { file: t0.generated.file, line: t0.generated.line }, { file: 'examples/dist/sessions.js', line: 14 });
  assert.equal(t0.callback?.name, 'sendHeartbeat');
  const text = await runCli(['snapshot', '--ws', target.url]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /interval 1000 ms ×12 \[ref'd, keeps process alive\] — examples\/src\/sessions\.ts:22:3 \(callback sendHeartbeat\)/);
  assert.match(text.stdout, /unref'd\] — examples\/src\/server\.ts:22:17/);
});

test('--launch starts the program, snapshots it after --after and stops it', async () => {
  const r = await runCli(['snapshot', '--json', '--launch', '--after', '200', '--', 'node', fixture('plainInterval.js')]);
  assert.equal(r.code, 0, r.stderr);
  const snap = JSON.parse(r.stdout) as Snapshot;
  assert.equal(countAt(snap, fixture('plainInterval.js').replace(repoRoot + '/', ''), 3, 'interval'), 1, describeSites(snap));
  assert.throws(() => process.kill(snap.process.pid, 0), /ESRCH/, 'the launched program was stopped');
});

test('--launch --keep leaves the program running, and --pid finds its inspector again', async t => {
  const r = await runCli(['snapshot', '--json', '--launch', '--keep', '--after', '200', '--', 'node', fixture('plainInterval.js')]);
  assert.equal(r.code, 0, r.stderr);
  const pid = (JSON.parse(r.stdout) as Snapshot).process.pid;
  t.after(() => {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  assert.doesNotThrow(() => process.kill(pid, 0), 'the kept program is still running');
  const again = await runCli(['snapshot', '--json', '--pid', String(pid)]);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(countAt(JSON.parse(again.stdout) as Snapshot, 'test/fixtures/programs/plainInterval.js', 3, 'interval'), 1);
});

test('--pid turns the inspector on in a running process and finds its port', async t => {
  const child = spawn(process.execPath, [fixture('plainInterval.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  await new Promise(r => child.stdout.once('data', r));
  const r = await runCli(['snapshot', '--json', '--pid', String(child.pid)]);
  assert.equal(r.code, 0, r.stderr);
  const snap = JSON.parse(r.stdout) as Snapshot;
  assert.equal(snap.process.pid, child.pid);
  const site = snap.sites.find(s => s.file.endsWith('plainInterval.js') && s.kind === 'interval');
  assert.equal(site?.line, 3, describeSites(snap));
  assert.equal(child.exitCode, null, 'the target keeps running');
});

test('diff shows the growth between two snapshot files', async t => {
  const target = await startTarget(t, path.join(repoRoot, 'examples', 'dist', 'server.js'), { cwd: repoRoot });
  await target.waitForOutput(/12 logins and logouts served/);
  const dir = mkdtempSync(path.join(tmpdir(), 'timerscope-diff-'));
  const a = path.join(dir, 'a.json');
  const b = path.join(dir, 'b.json');
  assert.equal((await runCli(['snapshot', '--ws', target.url, '--out', a])).code, 0);
  const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(target.output())![1];
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve, reject) => http.request({ host: '127.0.0.1', port, method: 'POST', path: `/login?user=x${i}`, agent: false }, res => res.resume().on('end', resolve)).on('error', reject).end());
  }
  assert.equal((await runCli(['snapshot', '--ws', target.url, '--out', b])).code, 0);
  const r = await runCli(['diff', a, b]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /grew\s+\+3 \(12 → 15\) interval at examples\/src\/sessions\.ts:22:3/);
  writeFileSync(path.join(dir, 'bad.json'), '{"schema":"other"}');
  const bad = await runCli(['diff', a, path.join(dir, 'bad.json')]);
  assert.equal(bad.code, 1);
  assert.match(oneLineError(bad.stderr), /bad\.json is not a timerscope\.snapshot\/v1 document/);
});

test('bad input: nothing listening on the port', async () => {
  const srv = net.createServer();
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise(r => srv.close(r));
  const r = await runCli(['snapshot', '--port', String(port)]);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), new RegExp(`nothing is listening on 127\\.0\\.0\\.1:${port}; start the program with --inspect`));
});

test('bad input: a port that is not an inspector', async t => {
  const srv = http.createServer((_req, res) => res.writeHead(404).end('<html>nope</html>'));
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', () => r()));
  t.after(() => srv.close());
  const r = await runCli(['snapshot', '--port', String((srv.address() as net.AddressInfo).port)]);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /answered but is not a V8 inspector/);
});

test('bad input: a Chrome tab instead of Node', { skip: !existsSync('/usr/bin/chromium') && 'needs /usr/bin/chromium (.ci/run installs it)' }, async t => {
  const dir = mkdtempSync(path.join(tmpdir(), 'timerscope-chrome-'));
  const chrome = spawn('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${dir}`, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => chrome.kill('SIGKILL'));
  const port = await new Promise<string>(resolve => {
    let err = '';
    chrome.stderr.on('data', d => {
      err += d;
      const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err);
      if (m) resolve(m[1]);
    });
  });
  const r = await runCli(['snapshot', '--port', port]);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /is a browser \(Chrome\/Chromium tab\), not a Node\.js process/);
  // Its page's own WebSocket URL gets as far as a CDP session, which then finds no Node.js inside.
  const pages = await new Promise<{ type: string; webSocketDebuggerUrl: string }[]>((resolve, reject) =>
    http.get(`http://127.0.0.1:${port}/json/list`, res => {
      let body = '';
      res.on('data', d => (body += d)).on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject),
  );
  const page = pages.find(p => p.type === 'page')!;
  const ws = await runCli(['snapshot', '--ws', page.webSocketDebuggerUrl]);
  assert.equal(ws.code, 1);
  assert.match(oneLineError(ws.stderr), /is not a Node\.js process \(no process\.versions\.node\)/);
});

test('an ESM-only program under --launch: timers at their .mjs lines', async () => {
  const r = await runCli(['snapshot', '--json', '--launch', '--after', '300', '--', 'node', fixture('variety.mjs')]);
  assert.equal(r.code, 0, r.stderr);
  const snap = JSON.parse(r.stdout) as Snapshot;
  const file = 'test/fixtures/programs/variety.mjs';
  assert.equal(countAt(snap, file, 2, 'interval'), 1, describeSites(snap));
  assert.equal(countAt(snap, file, 4, 'interval'), 1, describeSites(snap));
  assert.equal(sitesAt(snap, file, 3, 'timeout')[0]?.refed, 0, "the unref'd timeout is listed, not hidden");
});

test('bad input: non-loopback hosts need --allow-remote (refused before any connection)', async () => {
  const r = await runCli(['snapshot', '--host', '192.0.2.10', '--port', '9229']);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /refusing to connect to non-loopback host '192\.0\.2\.10'.*--allow-remote/);
  const ws = await runCli(['snapshot', '--ws', 'ws://example.invalid:9229/x']);
  assert.match(oneLineError(ws.stderr), /non-loopback host 'example\.invalid'/);
});

test('bad input: --pid of a process that is not Node.js, or of no process', async t => {
  const sleeper = spawn('sleep', ['30']);
  t.after(() => sleeper.kill('SIGKILL'));
  const r = await runCli(['snapshot', '--pid', String(sleeper.pid)]);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), new RegExp(`process ${sleeper.pid} is not Node\\.js`));
  assert.equal(sleeper.exitCode, null, 'the process was not signalled');
  const none = await runCli(['snapshot', '--pid', '999999999']);
  assert.match(oneLineError(none.stderr), /no process with pid 999999999/);
});

test('bad input: the launched program exits before the snapshot', async () => {
  // 1.5 s: time enough to attach even on a loaded machine, well before --after ends.
  const r = await runCli(['snapshot', '--launch', '--after', '5000', '--', 'node', fixture('exitsSoon.js')], { env: { EXIT_AFTER_MS: '1500' } });
  assert.equal(r.code, 1);
  assert.deepEqual(timerscopeLines(r.stderr).slice(0, 1), ['timerscope: the program exited with code 0']);
  assert.match(timerscopeLines(r.stderr)[1] ?? '', /the program exited before the snapshot \(--after 5000 ms\)/);
});

function timerscopeLines(stderr: string): string[] {
  return stderr.split('\n').filter(l => l.startsWith('timerscope:'));
}

test('--launch: a program that exits before we attach is one line with its exit code, not ECONNREFUSED', async () => {
  const quick = await runCli(['snapshot', '--launch', '--', 'node', '-e', '1']);
  assert.equal(quick.code, 1, quick.stderr);
  assert.deepEqual(timerscopeLines(quick.stderr), ['timerscope: the program exited (code 0) before Timerscope could attach']);
  const missing = await runCli(['snapshot', '--launch', '--', 'node', fixture('noSuchScript.js')]);
  assert.equal(missing.code, 1, missing.stderr);
  assert.deepEqual(timerscopeLines(missing.stderr), ['timerscope: the program exited (code 1) before Timerscope could attach']);
  assert.match(missing.stderr, /Cannot find module '.*noSuchScript\.js'/, 'the program\'s own stderr is shown');
});

test('--launch --json: a crashing program\'s output, error and exit code go to stderr; stdout stays clean', async () => {
  const r = await runCli(['snapshot', '--json', '--launch', '--after', '5000', '--', 'node', fixture('crashesSoon.js')]);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^crashesSoon started$/m);
  assert.match(r.stderr, /^Error: crashesSoon: boom from the program$/m);
  assert.deepEqual(timerscopeLines(r.stderr), [
    'timerscope: the program exited with code 1',
    'timerscope: the program exited before the snapshot (--after 5000 ms); snapshot it sooner with a smaller --after',
  ]);
});

test('bad input: usage mistakes exit with 2 and say what to do', async () => {
  const r = await runCli(['snapshot', '--port', 'abc']);
  assert.equal(r.code, 2);
  assert.match(oneLineError(r.stderr), /--port needs a whole number, got 'abc'/);
  const both = await runCli(['snapshot', '--port', '1', '--pid', '2']);
  assert.match(oneLineError(both.stderr), /choose one of --port, --ws, --pid, --launch/);
  const cmd = await runCli(['snapshot', '--', 'node', 'x.js']);
  assert.match(oneLineError(cmd.stderr), /did you mean --launch -- node x\.js/);
  const ws = await runCli(['watch', '--ws', 'nonsense']);
  assert.equal(ws.code, 2);
  assert.match(oneLineError(ws.stderr), /--ws needs a ws:\/\/ URL \(as printed by node --inspect\), got 'nonsense'/);
  const dashed = await runCli(['watch', '--duration', '-5s', '--port', '1']);
  assert.equal(dashed.code, 2);
  assert.match(oneLineError(dashed.stderr), /--duration needs a value; one that starts with '-' is written --duration=<value>/);
  const negative = await runCli(['watch', '--duration=-5s', '--port', '1']);
  assert.equal(negative.code, 2);
  assert.match(oneLineError(negative.stderr), /--duration needs a duration like 500ms, 10s or 2m, got '-5s'/);
});

test('an IPv6 loopback with nothing listening: the hint writes the address in brackets, as --inspect wants it', async () => {
  const r = await runCli(['snapshot', '--host', '::1', '--port', '9']);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /nothing is listening on \[::1\]:9; start the program with --inspect=\[::1\]:9,/);
});

test('fake timers replaced every global timer function: Node\'s timer lists are still read (through the timers module)', async t => {
  const target = await startTarget(t, fixture('fakeGlobalTimers.js'), { cwd: repoRoot });
  await target.waitForOutput(/ready/);
  const r = await runCli(['snapshot', '--ws', target.url, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const snap = JSON.parse(r.stdout) as Snapshot;
  assert.equal(snap.method, 'timer-lists');
  assert.equal(countAt(snap, 'test/fixtures/programs/fakeGlobalTimers.js', 3, 'interval'), 1, describeSites(snap));
  assert.doesNotMatch(r.stderr, /warning/);
});

test('timer lists out of reach: one line naming --query-objects; with it, a warning with the heap size, then the timers', async t => {
  const target = await startTarget(t, fixture('hiddenTimers.js'), { cwd: repoRoot });
  await target.waitForOutput(/ready/);
  const refused = await runCli(['snapshot', '--ws', target.url]);
  assert.equal(refused.code, 1);
  assert.match(oneLineError(refused.stderr), /cannot reach Node v[\d.]+'s timer lists .*--query-objects .*its heap is \d+ MB: expect about [\d.]+ s/);
  const r = await runCli(['snapshot', '--ws', target.url, '--json', '--query-objects']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^timerscope: warning: using Runtime\.queryObjects: the target pauses for full garbage collections \(its heap is \d+ MB: expect about [\d.]+ s\)$/m);
  const snap = JSON.parse(r.stdout) as Snapshot;
  assert.equal(snap.method, 'query-objects');
  assert.equal(countAt(snap, 'test/fixtures/programs/hiddenTimers.js', 8, 'interval'), 1, describeSites(snap));
  assert.equal(target.child.exitCode, null, 'the target keeps running');
});

test('bad input: a Node.js older than 16 is named, and left as it was', { skip: !nodeBinary(14) && missingEnvMessage('Node 14') }, async t => {
  const target = await startTarget(t, fixture('variety.js'), { node: nodeBinary(14), cwd: repoRoot });
  await target.waitForOutput(/ready/);
  const r = await runCli(['snapshot', '--ws', target.url]);
  assert.equal(r.code, 1);
  assert.match(oneLineError(r.stderr), /the target runs Node\.js v14\.\d+\.\d+; Timerscope needs Node\.js 16 or newer/);
  assert.equal(target.child.exitCode, null, 'the target keeps running');
});

test('the CLI itself on Node 24: a clean report, no deprecation warning from its dependencies', { skip: !nodeBinary(24) && missingEnvMessage('Node 24') }, async () => {
  const r = await runCli(['snapshot', '--launch', '--after', '200', '--', 'node', fixture('plainInterval.js')], { node: nodeBinary(24) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\(node v24\./);
  assert.doesNotMatch(r.stderr, /DeprecationWarning/);
});
