/**
 * Turning the inspector on in a running process (SIGUSR1, as js-debug's process picker does) and finding
 * the port it opened by matching the process's sockets against /proc/net/tcp{,6} listeners.
 */
import { promises as fs } from 'node:fs';
import { UserError } from '../common/errors';
import { listTargets, pickNodeTarget } from './targetDiscovery';

/** Reads a process's command line, or undefined when it is gone or not ours to read. */
export async function readCommandLine(pid: number): Promise<string[] | undefined> {
  try {
    const raw = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** `--inspect[-brk|-port]=[host:]port` in a command line, as Node parses it. */
export function parseInspectArgs(argv: string[]): { enabled: boolean; host?: string; port?: number } {
  let enabled = false;
  let host: string | undefined;
  let port: number | undefined;
  for (const arg of argv) {
    const m = /^--(inspect|inspect-brk|inspect-wait|inspect-port|debug-port)(?:=(.*))?$/.exec(arg);
    if (!m) continue;
    if (m[1] !== 'inspect-port' && m[1] !== 'debug-port') enabled = true;
    if (m[2] === undefined) continue;
    const hp = /^(?:(.*):)?(\d+)$/.exec(m[2]);
    if (hp) {
      if (hp[1]) host = hp[1];
      port = Number(hp[2]);
    } else {
      host = m[2];
    }
  }
  return { enabled, host, port };
}

/** Inodes of the sockets a process holds open. */
async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  let fds: string[] = [];
  try {
    fds = await fs.readdir(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  await Promise.all(
    fds.map(async fd => {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(await fs.readlink(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        /* closed meanwhile */
      }
    }),
  );
  return inodes;
}

/** Loopback TCP ports a process is listening on (Linux only; empty elsewhere). */
export async function listeningPorts(pid: number): Promise<number[]> {
  const inodes = await socketInodes(pid);
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A = LISTEN, inode is column 9.
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue;
      ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return [...new Set(ports)];
}

/** Finds the ws URL of the inspector a process is serving, if any. */
export async function findInspectorOfPid(pid: number): Promise<string | undefined> {
  for (const port of await listeningPorts(pid)) {
    try {
      const t = pickNodeTarget(await listTargets('127.0.0.1', port, 1000), `127.0.0.1:${port}`);
      if (t.webSocketDebuggerUrl) return t.webSocketDebuggerUrl;
    } catch {
      /* not the inspector port */
    }
  }
  return undefined;
}

function isNodeCommand(argv: string[]): boolean {
  const exe = (argv[0] ?? '').split('/').pop() ?? '';
  return /^(node|nodejs|node\d+)(\.exe)?$/.test(exe) || /node/.test(exe);
}

/**
 * Turns on the inspector of a running Node.js process and returns its ws URL. Waits for the inspector to
 * appear by polling the process's listening sockets (Node opens it asynchronously after the signal).
 */
export async function enableInspectorOnPid(pid: number, timeoutMs = 5000): Promise<string> {
  if (!Number.isInteger(pid) || pid <= 0) throw new UserError(`--pid needs a process id, got '${pid}'`);
  if (pid === process.pid) throw new UserError('refusing to inspect Timerscope itself');
  const argv = await readCommandLine(pid);
  if (!argv) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EPERM') throw new UserError(`no permission to inspect process ${pid}`);
      throw new UserError(`no process with pid ${pid}`);
    }
  } else if (!isNodeCommand(argv)) {
    throw new UserError(`process ${pid} is not Node.js (${argv.slice(0, 3).join(' ')}); Timerscope inspects Node.js processes`);
  }
  const already = await findInspectorOfPid(pid);
  if (already) return already;
  try {
    process.kill(pid, 'SIGUSR1');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM') throw new UserError(`no permission to signal process ${pid} (run as its user)`);
    throw new UserError(`no process with pid ${pid}`);
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const url = await findInspectorOfPid(pid);
    if (url) return url;
    await new Promise(r => setTimeout(r, 100));
  }
  const inspect = argv ? parseInspectArgs(argv) : { port: undefined };
  throw new UserError(
    `sent SIGUSR1 to ${pid} but no inspector appeared within ${timeoutMs / 1000} s; is port ` +
      `${inspect.port ?? 9229} taken by another process, or was it started with --disable-sigusr1?`,
  );
}
