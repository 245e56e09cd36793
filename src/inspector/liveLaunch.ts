/**
 * Live mode from a program's first line (`record --launch`, `watch --launch`, case tests): the program was
 * started with `--inspect-brk` (LaunchOptions.breakOnStart). While Node waits for the debugger its
 * bootstrap has not finished and not even a timer can be created, so the Debugger domain is on for a
 * moment instead (the same round that learns the script URLs): let the program start, catch the pause on
 * its first statement, inject the agent there, resume, and switch the Debugger off again.
 */
import type { TargetConnection } from './connect';
import { startLiveSession, type LiveSession, type LiveSessionOptions } from './liveSession';
import { resolverFor } from './snapshot';

const PAUSE_TIMEOUT_MS = 5000;

export async function startLiveSessionAtStart(conn: TargetConnection, opts: LiveSessionOptions = {}): Promise<LiveSession> {
  const client = conn.client;
  // No `process.cwd()` yet: before its bootstrap has run, Node 16 aborts on it (a native assertion kills the
  // program). The working directory is read at the first statement, below.
  const resolver = resolverFor(client, '');
  const knownScripts = new Set<string>();
  let onPaused!: () => void;
  const paused = new Promise<void>(r => (onPaused = r));
  const offPaused = client.Debugger.paused(() => onPaused());
  const offParsed = client.Debugger.scriptParsed(e => e.url && knownScripts.add(e.url));
  let session: LiveSession | undefined;
  try {
    await resolver.collectScripts(async () => {
      await conn.resume();
      let timer: NodeJS.Timeout | undefined;
      // No pause (the program was not started with --inspect-brk): attach to it running.
      await Promise.race([paused, new Promise(r => (timer = setTimeout(r, PAUSE_TIMEOUT_MS))), conn.closed]);
      clearTimeout(timer);
      try {
        const cwd = await client.Runtime.evaluate({ expression: 'process.cwd()', returnByValue: true, silent: true });
        if (typeof cwd.result?.value === 'string') resolver.cwd = cwd.result.value;
        session = await startLiveSession(conn, { ...opts, knownScripts });
      } finally {
        await client.Debugger.resume({}).catch(() => undefined);
      }
    });
  } finally {
    offPaused();
    offParsed();
  }
  return session!;
}
