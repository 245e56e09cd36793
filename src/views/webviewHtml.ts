/**
 * Pages that host the timeline bundle, kept free of `vscode` so they are unit-tested with plain node:
 * the VS Code webview page (strict CSP with a nonce, resources only through `cspSource`), the page
 * `timerscope view` serves, and the single-file offline HTML report.
 */

/** A fresh 32-character nonce for a CSP `script-src 'nonce-…'`. */
export function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return Buffer.from(bytes).toString('base64').replace(/[+/=]/g, c => (c === '+' ? 'A' : c === '/' ? 'B' : ''));
}

/** Escapes text for an HTML attribute or element body. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside `<script type="application/json">`: no `</script>` or `<!--` can close or confuse it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function page(opts: { csp: string; title: string; head: string; body: string; bodyAttrs?: string }): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(opts.csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    `<title>${escapeHtml(opts.title)}</title>`,
    opts.head,
    '</head>',
    `<body${opts.bodyAttrs ?? ''}>`,
    '<div id="timerscope-root"></div>',
    opts.body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * The VS Code webview page. `cspSource` is `webview.cspSource`; the URIs come from `webview.asWebviewUri` on
 * files under dist/webview. Only the nonce'd bundle may run: no inline script, no eval, no remote anything.
 */
export function buildWebviewHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; title?: string }): string {
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource} data:`,
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  return page({
    csp,
    title: o.title ?? 'Timerscope Timeline',
    head: `<link rel="stylesheet" href="${escapeHtml(o.styleUri)}">`,
    body: `<script nonce="${o.nonce}" src="${escapeHtml(o.scriptUri)}"></script>`,
  });
}

/** The page `timerscope view` serves: bundle and recording come from the same local server. */
export function buildServedHtml(o: { title: string; label: string }): string {
  return page({
    csp: "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:",
    title: o.title,
    head: '<link rel="stylesheet" href="timeline.css">',
    body: '<script src="timeline.js"></script>',
    bodyAttrs: ` data-recording-url="recording.json" data-label="${escapeHtml(o.label)}"`,
  });
}

/**
 * One self-contained HTML file that opens offline: CSS and bundle inlined under a nonce, the recording embedded
 * as inert JSON. Nothing is fetched (`default-src 'none'`).
 */
export function buildReportHtml(o: { title: string; label: string; script: string; css: string; recording: unknown; nonce: string }): string {
  // A literal "</script" or "</style" inside the bundle would end the element early.
  const script = o.script.replace(/<\/(script)/gi, '<\\/$1');
  const css = o.css.replace(/<\/(style)/gi, '<\\/$1');
  return page({
    csp: `default-src 'none'; script-src 'nonce-${o.nonce}'; style-src 'nonce-${o.nonce}'; img-src data:`,
    title: o.title,
    head: `<style nonce="${o.nonce}">\n${css}\n</style>`,
    body: [
      `<script type="application/json" id="timerscope-recording">${jsonForScript(o.recording)}</script>`,
      `<script nonce="${o.nonce}">\n${script}\n</script>`,
    ].join('\n'),
    bodyAttrs: ` data-label="${escapeHtml(o.label)}"`,
  });
}
