/**
 * Live mode from a program's first line (`record --launch`, `watch --launch`, case tests): the program was
 * started with `--inspect-brk` (LaunchOptions.breakOnStart). While Node waits for the debugger its
 * bootstrap has not finished and not even a timer can be created, so the Debugger domain is on for a
 * moment instead: let the program start, catch the pause on its first statement, inject the agent there,
 * then resume and switch the Debugger off again. Nothing of the program runs unobserved.
 */
import type { TargetConnection } from './connect';
import { startLiveSession, type LiveSession, type LiveSessionOptions } from './liveSession';

const PAUSE_TIMEOUT_MS = 5000;

export async function startLiveSessionAtStart(conn: TargetConnection, opts: LiveSessionOptions = {}): Promise<LiveSession> {
  const client = conn.client;
  let onPaused!: () => void;
  const paused = new Promise<void>(r => (onPaused = r));
  const off = client.Debugger.paused(() => onPaused());
  try {
    await client.Debugger.enable({});
    await conn.resume();
    let timer: NodeJS.Timeout | undefined;
    // No pause (the program was not started with --inspect-brk): attach to it running.
    await Promise.race([paused, new Promise(r => (timer = setTimeout(r, PAUSE_TIMEOUT_MS))), conn.closed]);
    clearTimeout(timer);
    return await startLiveSession(conn, opts);
  } finally {
    off();
    await client.Debugger.resume({}).catch(() => undefined);
    await client.Debugger.disable().catch(() => undefined);
  }
}
