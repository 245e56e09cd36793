/**
 * Every attached process, keyed by id; several can be attached at once, each named in the UI.
 * vscode-free: the composition root wires `onDidChange` to the editor, tree and status bar.
 */
import { EventEmitter } from 'node:events';
import type { ConnectOptions } from '../inspector/connect';
import type { LiveThresholds } from '../model/liveSettings';
import type { Thresholds } from '../shared/settings';
import type { Logger, ProcessSession, SessionOrigin } from './processSession';

/** The user's SLO settings as the live findings' thresholds (the rest keep the engine's defaults). */
export function liveThresholdsOf(t: Thresholds): Partial<LiveThresholds> {
  return { lateSloMs: t.lateMs, callbackLongMs: t.callbackMs, churnPerSecond: t.churnPerSecond, leakMinLive: t.leakLive };
}

export class SessionManager {
  private readonly sessions = new Map<string, ProcessSession>();
  private readonly events = new EventEmitter();

  constructor(private readonly opts: { log: Logger; refreshMs: () => number; thresholds?: () => Thresholds; liveMode?: () => boolean }) {}

  /** Fires when a session is added, removed or has new data. */
  onDidChange(listener: () => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  list(): ProcessSession[] {
    return [...this.sessions.values()];
  }

  get(id: string): ProcessSession | undefined {
    return this.sessions.get(id);
  }

  /** Live sessions only (exited ones stay listed until detached, so their last numbers remain readable). */
  active(): ProcessSession[] {
    return this.list().filter(s => s.state === 'live' || s.state === 'attaching');
  }

  /** Opens the target through the engine and starts a session; throws UserError with a one-line message. */
  async attach(connect: ConnectOptions, origin: SessionOrigin, name?: string): Promise<ProcessSession> {
    this.opts.log.info(`attaching (${origin.type}): ${origin.detail}`);
    // The engine (CDP client, its protocol tables, the parser) loads on the first attach, not at activation.
    const [{ openTarget }, { ProcessSession }] = await Promise.all([import('../inspector/connect.js'), import('./processSession.js')]);
    const conn = await openTarget(connect);
    // The same inspector twice (a second click, a port and its ws URL): keep the session we have.
    const same = this.list().find(x => x.conn.url === conn.url && !x.conn.isClosed());
    if (same) {
      await conn.close({ killChild: false });
      this.opts.log.info(`already attached: ${same.name}`);
      return same;
    }
    const thresholds = this.opts.thresholds;
    const session = new ProcessSession(conn, origin, {
      refreshMs: this.opts.refreshMs(),
      log: this.opts.log,
      name,
      liveThresholds: thresholds && (() => liveThresholdsOf(thresholds())),
    });
    this.sessions.set(session.id, session);
    session.onDidUpdate(() => this.events.emit('change'));
    if (connect.launch) await conn.resume();
    await session.start();
    this.opts.log.info(`attached: ${session.name} (${conn.url})`);
    this.events.emit('change');
    // The attach is done once the first snapshot is shown; live numbers follow when the agent is in.
    if (this.opts.liveMode?.() !== false) void session.startLive();
    return session;
  }

  async detach(id: string): Promise<void> {
    const s = this.sessions.get(id);
    if (!s) return;
    this.sessions.delete(id);
    await s.dispose();
    this.opts.log.info(`detached: ${s.name}`);
    this.events.emit('change');
  }

  async detachAll(): Promise<void> {
    await Promise.all(this.list().map(s => this.detach(s.id)));
  }

  /** Settings changed: the new refresh period and finding thresholds apply to attached processes now. */
  settingsChanged(refreshMs: number): void {
    for (const s of this.sessions.values()) {
      s.setRefreshMs(refreshMs);
      s.settingsChanged();
    }
  }
}
