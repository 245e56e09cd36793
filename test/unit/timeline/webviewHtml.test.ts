import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildReportHtml, buildServedHtml, buildWebviewHtml, jsonForScript, makeNonce } from '../../../src/views/webviewHtml';

test('VS Code page: strict CSP, nonce on the only script, resources from cspSource only', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(nonce, makeNonce());
  const html = buildWebviewHtml({ cspSource: 'vscode-webview://abc', nonce, scriptUri: 'vscode-webview://abc/dist/webview/timeline.js', styleUri: 'vscode-webview://abc/dist/webview/timeline.css' });
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!.replace(/&#39;/g, "'");
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`script-src 'nonce-${nonce}'`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  const scripts = html.match(/<script[^>]*>/g)!;
  assert.deepEqual(scripts, [`<script nonce="${nonce}" src="vscode-webview://abc/dist/webview/timeline.js">`]);
  assert.doesNotMatch(html, /<script[^>]*>[^<]+<\/script>/, 'no inline script body');
});

test('served page loads the bundle and the recording from its own origin', () => {
  const html = buildServedHtml({ title: 'T <x>', label: 'a"b' });
  assert.match(html, /script-src &#39;self&#39;/);
  assert.match(html, /<script src="timeline.js"><\/script>/);
  assert.match(html, /data-recording-url="recording.json"/);
  assert.match(html, /<title>T &#60;x&#62;<\/title>/);
  assert.match(html, /data-label="a&#34;b"/);
});

test('report: inert JSON cannot close its script element; bundle and CSS run under the nonce only', () => {
  const evil = { file: '</script><script>alert(1)</script><!--' };
  assert.doesNotMatch(jsonForScript(evil), /</);
  assert.deepEqual(JSON.parse(jsonForScript(evil)), evil);
  const html = buildReportHtml({ title: 't', label: 'l', script: 'var s="</script>";', css: 'a{}', recording: evil, nonce: 'N0NCE' });
  assert.match(html, /default-src &#39;none&#39;; script-src &#39;nonce-N0NCE&#39;/);
  assert.equal(html.match(/<\/script>/g)!.length, 2, 'only the two real script elements close');
  assert.match(html, /<script nonce="N0NCE">/);
  assert.match(html, /<style nonce="N0NCE">/);
});
