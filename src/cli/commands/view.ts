/**
 * `timerscope view run.timerscope.json`: serves the timeline (the same webview bundle VS Code shows) on
 * 127.0.0.1 and prints its URL, like `go tool trace`. `--html report.html` instead writes one self-contained
 * HTML file that opens offline.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeOutputFile } from '../outputFile';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename, join } from 'node:path';
import { UserError } from '../../common/errors';
import { parseRecording } from '../../model/timelineRecording';
import type { Recording } from '../../shared/recording';
import { buildReportHtml, buildServedHtml, makeNonce } from '../../views/webviewHtml';

export const summary = 'open a recording in the timeline (local web page, or --html for an offline file)';

const HELP = `usage: timerscope view <run.timerscope.json> [--port N] [--html report.html]

Serves the timeline on http://127.0.0.1:<port>/ (default: a free port) until Ctrl+C; clicking a slice prints
its source location here. With --html, writes a single self-contained HTML file instead and exits.`;

type Options = { input: string; port: number; html?: string };

/** `Host: 127.0.0.1:PORT` or `localhost:PORT` (what a browser sends for our own URL). */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  return /^(127\.0\.0\.1|localhost)(:\d+)?$/i.test(host ?? '');
}

function parseArgs(argv: string[]): Options | null {
  let input: string | undefined;
  let port = 0;
  let html: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return null;
    if (a === '--port' || a.startsWith('--port=')) {
      const v = a.includes('=') ? a.slice(7) : argv[++i];
      port = Number(v);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`view: --port must be 0..65535, got '${v ?? ''}'`, 2);
    } else if (a === '--html' || a.startsWith('--html=')) {
      html = a.includes('=') ? a.slice(7) : argv[++i];
      if (!html) throw new UserError('view: --html needs a file name, e.g. --html report.html', 2);
    } else if (a.startsWith('-')) throw new UserError(`view: unknown option '${a}' (see 'timerscope view --help')`, 2);
    else if (input === undefined) input = a;
    else throw new UserError(`view: one recording at a time (got '${input}' and '${a}')`, 2);
  }
  if (!input) throw new UserError("view: which recording? e.g. 'timerscope view run.timerscope.json'", 2);
  return { input, port, ...(html ? { html } : {}) };
}

/** dist/webview next to the CLI bundle (dist/cli.js), or the repo's dist when run from sources. */
function webviewDir(): string {
  const candidates = [join(__dirname, 'webview'), join(__dirname, '..', '..', '..', 'dist', 'webview')];
  const dir = candidates.find(d => existsSync(join(d, 'timeline.js')) && existsSync(join(d, 'timeline.css')));
  if (!dir) throw new UserError("view: the timeline bundle is missing (dist/webview/timeline.js); run 'npm run build'");
  return dir;
}

function loadRecording(path: string): Recording {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`view: cannot read '${path}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  try {
    return parseRecording(text);
  } catch (err) {
    throw new UserError(`view: '${path}' is not a Timerscope recording: ${(err as Error).message}`);
  }
}

function label(rec: Recording, path: string): string {
  return `${basename(path)} · pid ${rec.process.pid} ${rec.process.argv.join(' ')}`.trim();
}

export async function run(argv: string[]): Promise<number> {
  const opts = parseArgs(argv);
  if (!opts) {
    console.log(HELP);
    return 0;
  }
  const rec = loadRecording(opts.input);
  const dir = webviewDir();
  const title = `Timerscope · ${basename(opts.input)}`;
  if (opts.html) {
    const html = buildReportHtml({
      title, label: label(rec, opts.input), recording: rec, nonce: makeNonce(),
      script: readFileSync(join(dir, 'timeline.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/m, ''),
      css: readFileSync(join(dir, 'timeline.css'), 'utf8').replace(/\/\*# sourceMappingURL=.*\*\//, ''),
    });
    writeOutputFile(opts.html, html);
    console.log(`wrote ${opts.html} (${(html.length / 1024).toFixed(0)} KiB, opens offline)`);
    return 0;
  }
  return serve(opts, rec, dir, title);
}

function serve(opts: Options, rec: Recording, dir: string, title: string): Promise<number> {
  const files: Record<string, { type: string; body: () => string | Buffer }> = {
    '/': { type: 'text/html; charset=utf-8', body: () => buildServedHtml({ title, label: label(rec, opts.input) }) },
    '/timeline.js': { type: 'text/javascript; charset=utf-8', body: () => readFileSync(join(dir, 'timeline.js')) },
    '/timeline.css': { type: 'text/css; charset=utf-8', body: () => readFileSync(join(dir, 'timeline.css')) },
    '/recording.json': { type: 'application/json', body: () => JSON.stringify(rec) },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // A page on another origin could reach 127.0.0.1 through DNS rebinding: only our own host names are served.
    if (!isLoopbackHostHeader(req.headers.host)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('timerscope view serves 127.0.0.1 and localhost only\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'POST' && path === '/reveal') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body = (body + c).slice(0, 10_000)));
      req.on('end', () => {
        try {
          const m = JSON.parse(body) as { location?: { file: string; line: number; column: number } };
          if (m.location) console.log(`reveal ${m.location.file}:${m.location.line}:${m.location.column}`);
        } catch {
          // Not ours: ignore.
        }
        res.writeHead(204).end();
      });
      return;
    }
    const f = req.method === 'GET' ? files[path] : undefined;
    if (!f) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': f.type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(f.body());
  });
  return new Promise<number>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new UserError(`view: port ${opts.port} is in use; try --port 0`) : err),
    );
    server.listen(opts.port, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : opts.port;
      console.log(`Timerscope timeline for ${opts.input}: http://127.0.0.1:${port}/  (Ctrl+C to stop)`);
      const stop = (): void => {
        server.close();
        server.closeAllConnections();
        resolve(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}
