/**
 * Opening a CDP connection to a Node.js process: by port, ws URL (incl. js-debug's CDP proxy), pid or by
 * launching the program with its inspector on an ephemeral loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import CDP from 'chrome-remote-interface';
import { UserError } from '../common/errors';
import { enableInspectorOnPid, findInspectorOfPid } from './processAttach';
import { markJsDebugProxy } from './scriptCatalog';
import { checkHostAllowed, listTargets, parseDebuggerListening, pickNodeTarget } from './targetDiscovery';

export type LaunchOptions = {
  /** `node app.js ARGS` (or any command; non-node commands get the flag through NODE_OPTIONS). */
  command: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Start with `--inspect-brk` so that nothing runs before we are attached; call `resume()`. */
  breakOnStart?: boolean;
  /** Where the program's stdout/stderr go (default: our stderr, so that reports on stdout stay clean). */
  output?: NodeJS.WritableStream | 'ignore';
  /**
   * The program must outlive us (`--keep`): it writes straight to our stderr file descriptor instead of a
   * pipe we would close, runs in its own process group, and its inspector is found from its sockets.
   */
  keep?: boolean;
};

export type ConnectOptions = {
  host?: string;
  port?: number;
  ws?: string;
  pid?: number;
  allowRemote?: boolean;
  /** The ws URL is js-debug's CDP proxy: events flow only after `JsDebug.subscribe`. */
  jsDebugProxy?: boolean;
  launch?: LaunchOptions;
};

export type TargetConnection = {
  client: CDP.Client;
  url: string;
  child?: ChildProcess;
  /** Resolves when the connection closes (target exit, detach). */
  closed: Promise<void>;
  isClosed(): boolean;
  /** Lets a program started with `breakOnStart` run. */
  resume(): Promise<void>;
  close(opts?: { killChild?: boolean }): Promise<void>;
};

export const DEFAULT_HOST = '127.0.0.1';
/** Emitted on a launched child when it has finished and only waits for our session to close. */
const EXITING = 'timerscope:exiting';
export const DEFAULT_PORT = 9229;

function isNodeExecutable(cmd: string): boolean {
  const base = cmd.split(/[\\/]/).pop() ?? '';
  return /^node(\d+)?(\.exe)?$/.test(base) || cmd === process.execPath;
}

/** Starts the program with its inspector on 127.0.0.1:0 and waits for the ws URL it prints. */
export function launchWithInspector(opts: LaunchOptions): Promise<{ child: ChildProcess; url: string }> {
  if (opts.command.length === 0) throw new UserError('--launch needs a command after --, e.g. --launch -- node app.js');
  const flag = `--inspect${opts.breakOnStart ? '-brk' : ''}=127.0.0.1:0`;
  const [cmd, ...args] = opts.command;
  const env = { ...process.env, ...opts.env };
  let argv: string[];
  if (isNodeExecutable(cmd)) {
    argv = [flag, ...args];
  } else {
    argv = args;
    env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} ${flag}`.trim();
  }
  const exe = cmd === 'node' ? process.execPath : cmd;
  if (opts.keep) return launchDetached(exe, argv, opts.cwd, env);
  const child = spawn(exe, argv, {
    cwd: opts.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = opts.output ?? process.stderr;
  if (out !== 'ignore') child.stdout?.pipe(out, { end: false });
  return new Promise((resolve, reject) => {
    let seen = '';
    let found = false;
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (!found) {
        seen += text;
        const url = parseDebuggerListening(seen);
        if (url) {
          found = true;
          resolve({ child, url });
        }
      }
      // Pass the program's own stderr through, minus the inspector's chatter.
      const own = text
        .split('\n')
        .filter(l => !/^(Debugger listening on|Debugger ending on|For help, see: https:\/\/nodejs.org|Debugger attached|Waiting for the debugger)/.test(l))
        .join('\n');
      if (out !== 'ignore' && own.trim()) out.write(own.endsWith('\n') ? own : own + '\n');
      // Node waits at exit for an attached debugger to go away: treat that as the end of the session.
      if (/Waiting for the debugger to disconnect/.test(text)) child.emit(EXITING);
    });
    child.on('error', err => reject(new UserError(`cannot start '${cmd}': ${err.message}`)));
    child.on('exit', (code, signal) => {
      if (!found) {
        reject(
          new UserError(
            `the program exited (${signal ?? `code ${code}`}) before its inspector started` +
              (seen.includes('bad option') ? `: ${seen.trim().split('\n')[0]}` : ''),
          ),
        );
      }
    });
  });
}

async function launchDetached(exe: string, argv: string[], cwd: string | undefined, env: NodeJS.ProcessEnv) {
  const child = spawn(exe, argv, { cwd, env, stdio: ['ignore', 2, 2], detached: true });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', code => reject(new UserError(`the program exited (code ${code}) before its inspector started`))),
  );
  exited.catch(() => undefined);
  const found = (async () => {
    for (;;) {
      if (child.pid === undefined) throw new UserError(`cannot start '${exe}'`);
      const url = await findInspectorOfPid(child.pid);
      if (url) return url;
      await new Promise(r => setTimeout(r, 50));
    }
  })();
  const url = await Promise.race([found, exited]);
  child.unref();
  return { child, url };
}

function hostOfWsUrl(ws: string): string {
  try {
    return new URL(ws).hostname;
  } catch {
    throw new UserError(`'${ws}' is not a ws:// URL`);
  }
}

async function resolveWsUrl(opts: ConnectOptions): Promise<{ url: string; child?: ChildProcess }> {
  if (opts.launch) return launchWithInspector(opts.launch);
  if (opts.ws) {
    if (!/^wss?:\/\//.test(opts.ws)) throw new UserError(`--ws needs a ws:// URL, got '${opts.ws}'`);
    checkHostAllowed(hostOfWsUrl(opts.ws), opts.allowRemote);
    return { url: opts.ws };
  }
  if (opts.pid !== undefined) return { url: await enableInspectorOnPid(opts.pid) };
  const host = opts.host ?? DEFAULT_HOST;
  const port = opts.port ?? DEFAULT_PORT;
  checkHostAllowed(host, opts.allowRemote);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UserError(`invalid port '${opts.port}'`);
  const target = pickNodeTarget(await listTargets(host, port), `${host}:${port}`);
  return { url: target.webSocketDebuggerUrl! };
}

/** Opens a CDP session to a Node.js process and checks that it really is one we can inspect. */
export async function openTarget(opts: ConnectOptions): Promise<TargetConnection> {
  const { url, child } = await resolveWsUrl(opts);
  // A launched program that ends before (or while) we attach: say so, not "ECONNREFUSED" (its stderr has
  // already been passed through).
  const exitedEarly = async (): Promise<UserError | undefined> => {
    if (!child) return undefined;
    const status = await exitStatus(child, 1000);
    if (!status) return undefined;
    return new UserError(`the program exited (${status.signal ? `signal ${status.signal}` : `code ${status.code}`}) before Timerscope could attach`);
  };
  let client: CDP.Client;
  try {
    client = await CDP({ target: url, local: true });
  } catch (err) {
    const early = await exitedEarly();
    if (early) throw early;
    child?.kill();
    throw new UserError(`cannot open the inspector WebSocket ${url}: ${(err as Error).message}`);
  }
  let closed = false;
  let exiting = false;
  let killedByUs = false;
  const out = opts.launch?.output ?? process.stderr;
  const closedPromise = new Promise<void>(resolve => {
    const done = () => ((closed = true), resolve());
    client.on('disconnect', done);
    // The program's exit can be seen before the last messages it wrote to the socket (a final batch from an
    // 'exit' listener) are read: the socket's own close comes after them, so that is what ends the session,
    // with a bound in case the socket outlives the process.
    child?.once('exit', () => setTimeout(done, 2000).unref()).once(EXITING, () => {
      // The program has finished and waits for our session to close; Node prints an uncaught exception only
      // after that, then exits with its own code (close() lets it, instead of killing it). Its stderr line can
      // come before what it sent on the socket (the agent's last batch): one round trip first, since replies
      // come in order after everything sent before them.
      exiting = true;
      const roundTrip = client.send('Runtime.evaluate', { expression: '0', silent: true }).catch(() => undefined);
      void Promise.race([roundTrip, new Promise(r => setTimeout(r, 1000).unref())]).then(() => {
        done();
        void client.close().catch(() => undefined);
      });
    });
  });
  if (child && !opts.launch?.keep) {
    // The program ending on its own (not stopped by us) is reported, after whatever it printed ('close'
    // comes once its stdout/stderr are drained).
    child.once('close', (code, signal) => {
      if (!killedByUs && armed) writeLine(out, `timerscope: the program exited ${signal ? `by signal ${signal}` : `with code ${code}`}`);
      reportedExit();
    });
  }
  let reportedExit!: () => void;
  const exitReported = new Promise<void>(r => (reportedExit = r));
  let armed = false;
  const conn: TargetConnection = {
    client,
    url,
    child,
    closed: closedPromise,
    isClosed: () => closed,
    async resume() {
      await client.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
    },
    async close(o) {
      if (!closed) await client.close().catch(() => undefined);
      if (child && o?.killChild !== false && child.exitCode === null && child.signalCode === null) {
        // A program that has finished only waited for our session to close: let it exit with its own code.
        if (!(exiting && (await exitStatus(child, 2000)))) {
          killedByUs = true;
          child.kill();
          await new Promise(r => child.once('exit', r));
        }
      }
      if (child && !opts.launch?.keep && (child.exitCode !== null || child.signalCode !== null)) {
        await Promise.race([exitReported, new Promise(r => setTimeout(r, 1000))]);
      }
    },
  };
  if (opts.jsDebugProxy) {
    markJsDebugProxy(client);
    const send = client.send.bind(client) as unknown as (method: string, params: object) => Promise<unknown>;
    await send('JsDebug.subscribe', { events: ['Runtime.*', 'Debugger.scriptParsed', 'NodeWorker.*', 'Inspector.*'] }).catch(
      () => undefined,
    );
  }
  try {
    await checkIsNode(conn);
  } catch (err) {
    if (child) {
      // A program that ended while we attached waits for our session to close before it exits.
      await client.close().catch(() => undefined);
      const early = await exitedEarly();
      if (early) throw early;
    }
    await conn.close();
    throw err;
  }
  armed = true;
  return conn;
}

function writeLine(out: NodeJS.WritableStream | 'ignore', line: string): void {
  if (out !== 'ignore') out.write(line + '\n');
}

/** The child's exit status, waiting up to `ms` for it; undefined if it is still running. */
function exitStatus(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise(resolve => {
    const timer = setTimeout(() => (child.removeListener('exit', onExit), resolve(undefined)), ms);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => (clearTimeout(timer), resolve({ code, signal }));
    child.once('exit', onExit);
  });
}

/** The oldest Node.js whose timer internals Timerscope knows. */
export const MIN_NODE_MAJOR = 16;

async function checkIsNode(conn: TargetConnection): Promise<void> {
  const { result, exceptionDetails } = await conn.client.Runtime.evaluate({
    expression: `typeof process === 'object' && process && process.versions && process.versions.node || null`,
    returnByValue: true,
  });
  const version = exceptionDetails ? null : (result.value as string | null);
  if (!version) throw new UserError(`the target at ${conn.url} is not a Node.js process (no process.versions.node)`);
  const major = Number(version.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    throw new UserError(`the target runs Node.js v${version}; Timerscope needs Node.js ${MIN_NODE_MAJOR} or newer`);
  }
}

/** Maps a failure during a session to a one-line message (a vanished target is the common case). */
export function explainSessionError(err: unknown, conn: TargetConnection | undefined, what: string): Error {
  if (err instanceof UserError) return err;
  const msg = (err as Error)?.message ?? String(err);
  if (conn?.isClosed?.() || /WebSocket is not open|disconnected|ECONNRESET|socket hang up|context was destroyed|Cannot find context/i.test(msg)) {
    return new UserError(`the target process exited or closed its inspector during the ${what}`);
  }
  return err as Error;
}
