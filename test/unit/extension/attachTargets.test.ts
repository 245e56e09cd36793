import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { openTarget } from '../../../src/inspector/connect';
import { findNode, inEditorTerms, inspectorArgText, parseInspectorTarget } from '../../../src/ui/attachTargets';
import { debugSessionLabel, isConcreteSession, isNodeDebugSession, proxyWebSocketUrl, type DebugSessionLike } from '../../../src/ui/debugTargets';

test('parseInspectorTarget: port, host:port, [v6]:port, ws URL; anything else undefined', () => {
  assert.deepEqual(parseInspectorTarget(' 9229 '), { port: 9229 });
  assert.deepEqual(parseInspectorTarget('127.0.0.1:9230'), { host: '127.0.0.1', port: 9230 });
  assert.deepEqual(parseInspectorTarget('[::1]:9229'), { host: '::1', port: 9229 });
  assert.deepEqual(parseInspectorTarget('ws://127.0.0.1:9229/abc-def'), { ws: 'ws://127.0.0.1:9229/abc-def' });
  for (const bad of ['', 'abc', 'http://127.0.0.1:9229', '127.0.0.1', '9229x', 'ws://']) assert.equal(parseInspectorTarget(bad), undefined, bad);
});

test('inspectorArgText: the non-interactive command arguments', () => {
  assert.equal(inspectorArgText({ port: 9229 }), '9229');
  assert.equal(inspectorArgText({ host: 'localhost', port: 9229 }), 'localhost:9229');
  assert.equal(inspectorArgText({ host: '::1', port: 9229 }), '[::1]:9229');
  assert.equal(inspectorArgText({ url: 'ws://127.0.0.1:1/x' }), 'ws://127.0.0.1:1/x');
  assert.equal(inspectorArgText('9229'), '9229');
  assert.equal(inspectorArgText(undefined), undefined);
  assert.equal(inspectorArgText({}), undefined, 'an empty object asks the user');
  assert.deepEqual(parseInspectorTarget(inspectorArgText({ host: '::1', port: 9229 })!), { host: '::1', port: 9229 });
});

test('findNode: the first node on PATH, else plain node', () => {
  const a = mkdtempSync(join(tmpdir(), 'ts-path-a-'));
  const b = mkdtempSync(join(tmpdir(), 'ts-path-b-'));
  writeFileSync(join(b, 'node'), '#!/bin/sh\n');
  chmodSync(join(b, 'node'), 0o755);
  assert.equal(findNode([a, b].join(delimiter), 'linux'), join(b, 'node'));
  assert.equal(findNode(a, 'linux'), 'node');
});

const session = (over: Partial<DebugSessionLike> = {}): DebugSessionLike => ({ id: 'c1', type: 'pwa-node', name: 'app.js [123] « Launch Program', configuration: { request: 'launch' }, ...over });

test('debug sessions: only Node ones, children always, top-level ones only without children', () => {
  assert.equal(isNodeDebugSession(session()), true);
  assert.equal(isNodeDebugSession(session({ type: 'node-terminal' })), true);
  assert.equal(isNodeDebugSession(session({ type: 'python' })), false);
  assert.equal(isNodeDebugSession(session({ type: 'pwa-extensionHost' })), false);
  assert.equal(isConcreteSession(session({ parentSession: { id: 'p' } }), false), true);
  assert.equal(isConcreteSession(session({ parentSession: undefined }), true), false, 'a launcher parent');
  assert.equal(isConcreteSession(session({ parentSession: undefined }), false), true, 'a session that is its own target');
  assert.equal(isConcreteSession(session({ type: 'chrome', parentSession: { id: 'p' } }), false), false);
});

test('proxyWebSocketUrl: js-debug proxy addresses to ws URLs; junk to undefined', () => {
  assert.equal(proxyWebSocketUrl({ host: '127.0.0.1', port: 53677, path: '/88d1e8c9' }), 'ws://127.0.0.1:53677/88d1e8c9');
  assert.equal(proxyWebSocketUrl({ host: '::1', port: 1, path: 'x' }), 'ws://[::1]:1/x');
  assert.equal(proxyWebSocketUrl({ host: '127.0.0.1', port: 9 }), 'ws://127.0.0.1:9');
  for (const bad of [undefined, null, 'ws://x', {}, { host: '', port: 1 }, { host: 'h', port: 0 }, { host: 'h', port: 70000 }, { host: 'h', port: '1' }]) {
    assert.equal(proxyWebSocketUrl(bad), undefined, JSON.stringify(bad));
  }
});

test('debugSessionLabel names the launch once', () => {
  assert.equal(debugSessionLabel(session(), 'Launch Program'), 'app.js [123] « Launch Program (debug)');
  assert.equal(debugSessionLabel(session({ name: 'worker [7]' }), 'Launch Program'), 'worker [7] (debug: Launch Program)');
  assert.equal(debugSessionLabel(session({ name: 'Attach' })), 'Attach (debug)');
});

test("inEditorTerms: the engine's CLI hints become commands; other messages pass unchanged", () => {
  const cli = 'nothing is listening on 127.0.0.1:1; start the program with --inspect=127.0.0.1:1, or use --pid PID to turn the inspector on in a running process, or --launch -- node app.js';
  assert.equal(
    inEditorTerms(cli),
    "nothing is listening on 127.0.0.1:1; start the program with --inspect=127.0.0.1:1, or use 'Timerscope: Attach to Node Process…' to turn the inspector on in a running process, or 'Timerscope: Run Current File with Timerscope'",
  );
  assert.equal(inEditorTerms('the target process exited'), 'the target process exited');
});

test("inEditorTerms rewrites the engine's real message for a port nobody listens on", async () => {
  const srv = createServer();
  await new Promise<void>(r => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise(r => srv.close(r));
  const err = await openTarget({ port }).then(() => undefined, (e: Error) => e);
  assert.ok(err, 'attaching to a closed port fails');
  const msg = inEditorTerms(err.message);
  assert.match(msg, /'Timerscope: Attach to Node Process…'/);
  assert.match(msg, /'Timerscope: Run Current File with Timerscope'/);
  assert.doesNotMatch(msg, /--pid|--launch/);
});
