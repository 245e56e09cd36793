/**
 * Command-line options shared by every command that talks to a live process (snapshot, watch, record):
 *   --port N --host H --ws URL --pid PID --allow-remote --launch [--after MS] [--keep] -- node app.js ARGS
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../common/errors';
import type { ConnectOptions } from '../inspector/connect';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export const connectionOptions = {
  port: { type: 'string' },
  host: { type: 'string' },
  ws: { type: 'string' },
  pid: { type: 'string' },
  'allow-remote': { type: 'boolean' },
  launch: { type: 'boolean' },
  after: { type: 'string' },
  keep: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const connectionHelp = `connect with one of:
  --port N            inspector port on --host (default 127.0.0.1:9229)
  --host H            inspector host (non-loopback hosts need --allow-remote)
  --ws URL            inspector WebSocket URL (ws://127.0.0.1:9229/<id>)
  --pid PID           turn the inspector on in a running Node.js process (SIGUSR1) and attach
  --launch -- CMD...  start CMD (e.g. node app.js) with its inspector on an ephemeral loopback port
      --after MS      with --launch: let the program run MS milliseconds first (snapshot: default 1000;
                      watch/record: default 0, i.e. from its first line)
      --keep          with --launch: leave the program running afterwards
  --allow-remote      allow non-loopback inspector hosts (an inspector can run any code: only on trusted networks)`;

/** Parses a duration like `10s`, `500ms`, `2m` or a plain number of milliseconds. */
export function parseDurationMs(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UserError(`${what} needs a duration like 500ms, 10s or 2m, got '${text}'`, 2);
  const n = Number(m[1]);
  return Math.round(m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60000 : n);
}

function parseIntOption(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UserError(`${what} needs a whole number, got '${text}'`, 2);
  return Number(text);
}

export type ParsedConnection<V> = {
  connect: ConnectOptions;
  values: V;
  positionals: string[];
  /** --after in ms (launch only). */
  afterMs: number;
  keep: boolean;
};

/** Parses connection options plus a command's own; everything after `--` is the --launch command. */
export function parseConnectionArgs<O extends OptionSpec>(argv: string[], extra: O, defaultAfterMs = 1000) {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  let parsed;
  try {
    parsed = parseArgs({ args: own, options: { ...connectionOptions, ...extra }, allowPositionals: true, strict: true });
  } catch (err) {
    const first = (err as Error).message.split('\n')[0];
    // Node's parser: "Option '--duration' argument is ambiguous." for `--duration -5s`.
    const ambiguous = /^Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(first);
    if (ambiguous) {
      const opt = ambiguous[1];
      throw new UserError(`${opt} needs a value; one that starts with '-' is written ${opt}=<value> (see --help)`, 2);
    }
    throw new UserError(`${first} (see --help)`, 2);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const connect: ConnectOptions = { allowRemote: Boolean(v['allow-remote']) };
  const chosen = ['port', 'ws', 'pid', 'launch'].filter(k => v[k] !== undefined);
  if (chosen.length > 1) throw new UserError(`choose one of --port, --ws, --pid, --launch (got ${chosen.map(c => '--' + c).join(', ')})`, 2);
  if (v.launch) {
    if (command.length === 0) throw new UserError('--launch needs the program after --, e.g. --launch -- node app.js', 2);
    connect.launch = { command };
  } else if (command.length > 0) {
    throw new UserError(`unexpected '-- ${command.join(' ')}': did you mean --launch -- ${command.join(' ')}?`, 2);
  }
  if (typeof v.ws === 'string') {
    if (!/^wss?:\/\//.test(v.ws)) throw new UserError(`--ws needs a ws:// URL (as printed by node --inspect), got '${v.ws}'`, 2);
    connect.ws = v.ws;
  }
  if (typeof v.host === 'string') connect.host = v.host;
  connect.port = parseIntOption(v.port as string | undefined, '--port');
  if (connect.port !== undefined && !(connect.port >= 1 && connect.port <= 65535)) {
    throw new UserError(`--port needs a TCP port from 1 to 65535, got ${connect.port}`, 2);
  }
  connect.pid = parseIntOption(v.pid as string | undefined, '--pid');
  // They describe how to run a launched program; silently ignoring them would mislead.
  for (const flag of ['after', 'keep'] as const) {
    if (!v.launch && v[flag] !== undefined) {
      throw new UserError(`--${flag} only works with --launch (a process attached to by --port, --pid or --ws is already running)`, 2);
    }
  }
  const afterMs = typeof v.after === 'string' ? parseDurationMs(v.after, '--after') : defaultAfterMs;
  return {
    connect,
    values: parsed.values,
    positionals: parsed.positionals,
    afterMs,
    keep: Boolean(v.keep),
  };
}
