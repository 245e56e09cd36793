/**
 * One attached process: its CDP connection, the feed that keeps its timer sites fresh, and the snapshots
 * taken of it. No `vscode` here: the editor, tree and status bar subscribe to `onDidUpdate`.
 * All engine work goes through src/inspector (connect, snapshot); this only schedules it.
 */
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import type { TargetConnection } from '../inspector/connect';
import { startLiveSession, type LiveSession } from '../inspector/liveSession';
import { takeSnapshot } from '../inspector/snapshot';
import { computeFindings } from '../model/liveFindings';
import { DEFAULT_LIVE_THRESHOLDS, type LiveThresholds } from '../model/liveSettings';
import type { Finding } from '../shared/findings';
import type { Snapshot } from '../shared/snapshot';
import { absoluteFile, mergeLiveSites, sitesFromSnapshot, sitesFromWatchReport, withHistory, type SiteView } from '../editor/siteView';

export type SessionState = 'attaching' | 'live' | 'detached' | 'exited' | 'error';

/** Where a session came from; shown in the tree and used to decide what detaching does. */
export type SessionOrigin = { type: 'port' | 'url' | 'pid' | 'launch' | 'debug'; detail: string; debugSessionId?: string };

export type Logger = {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
};

let nextId = 1;
const LIVE_APPLY_MS = 250;
const LIVE_SNAPSHOT_FACTOR = 5;

/** A named, attached Node.js process. */
export class ProcessSession {
  readonly id = `s${nextId++}`;
  name: string;
  state: SessionState = 'attaching';
  pid?: number;
  cwd?: string;
  nodeVersion?: string;
  sites: SiteView[] = [];
  findings: Finding[] = [];
  lastSnapshot?: Snapshot;
  lastError?: string;
  /** The live agent (fires, lateness, callback time, findings), once injected. */
  live?: LiveSession;
  private snapshotSites: SiteView[] = [];
  private liveSites: SiteView[] = [];
  private liveTimer?: NodeJS.Timeout;
  private readonly events = new EventEmitter();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly conn: TargetConnection,
    readonly origin: SessionOrigin,
    private readonly opts: { refreshMs: number; log: Logger; name?: string; liveThresholds?: () => Partial<LiveThresholds> },
  ) {
    this.name = opts.name ?? origin.detail;
    void conn.closed.then(() => this.onClosed());
  }

  /** Called after every refresh and state change. */
  onDidUpdate(listener: () => void): () => void {
    this.events.on('update', listener);
    return () => this.events.off('update', listener);
  }

  /** Starts refreshing; resolves after the first refresh (so callers see sites right away). */
  async start(): Promise<void> {
    await this.refresh();
    this.schedule();
  }

  setRefreshMs(ms: number): void {
    this.opts.refreshMs = ms;
  }

  /** Settings changed: findings with the new thresholds now (the agent and its options stay). */
  settingsChanged(): void {
    this.applyLive();
  }

  private schedule(): void {
    if (this.disposed || this.state !== 'live') return;
    // The refresh cadence of the UI (not a synchronisation): a snapshot costs the target a few ms.
    // With the agent in, snapshots only add ref state and per-timer rows: poll them less often.
    const every = this.live && !this.live.ended ? this.opts.refreshMs * LIVE_SNAPSHOT_FACTOR : this.opts.refreshMs;
    this.timer = setTimeout(() => void this.refresh().finally(() => this.schedule()), every);
  }

  /** Takes a snapshot and updates the sites; concurrent calls share one round trip. */
  refresh(): Promise<void> {
    this.refreshing ??= this.exclusive(() => this.doRefresh()).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /**
   * Runs engine work one at a time on this connection: two snapshots at once would release each other's
   * remote object group ("Could not find object with given id").
   */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async doRefresh(): Promise<void> {
    if (this.disposed || this.conn.isClosed()) return;
    try {
      const snap = await takeSnapshot(this.conn, { allowQueryObjects: false });
      this.applySnapshot(snap);
      this.state = 'live';
      this.lastError = undefined;
    } catch (err) {
      if (this.disposed || this.conn.isClosed()) return;
      this.lastError = (err as Error).message;
      this.opts.log.warn(`${this.name}: refresh failed: ${this.lastError}`);
      if (this.state === 'attaching') this.state = 'error';
    }
    this.emit();
  }

  private applySnapshot(snap: Snapshot): void {
    this.lastSnapshot = snap;
    this.pid = snap.process.pid;
    this.cwd = snap.process.cwd;
    this.nodeVersion = snap.process.nodeVersion;
    if (!this.opts.name) {
      const script = snap.process.argv[1] ? path.basename(snap.process.argv[1]) : 'node';
      this.name = `${script} (pid ${snap.process.pid})`;
    }
    this.snapshotSites = withHistory(this.snapshotSites, sitesFromSnapshot(snap));
    this.sites = mergeLiveSites(this.snapshotSites, this.liveSites);
  }

  /**
   * Injects the live agent (src/inspector/liveSession.ts). Without it the session still works from
   * snapshots alone (counts, ref state), so a failure is a warning, not an error.
   * Worker threads are left to js-debug when we share its session: it attaches them as child debug
   * sessions of their own, and NodeWorker.enable/disable on its session would disturb that.
   */
  async startLive(): Promise<void> {
    if (this.disposed || this.conn.isClosed()) return;
    try {
      const live = await startLiveSession(this.conn, {
        thresholds: this.opts.liveThresholds?.(),
        workers: this.origin.type !== 'debug',
        onWarning: m => this.opts.log.warn(`${this.name}: ${m}`),
      });
      if (this.disposed) return void (await live.stop().catch(() => undefined));
      this.live = live;
      live.onDidUpdate(() => this.scheduleLiveApply());
      live.onDidEnd(({ reason }) => this.opts.log.info(`${this.name}: live mode ended: ${reason}`));
      this.opts.log.info(`${this.name}: live mode on (fires, lateness, callback time)`);
      this.applyLive();
    } catch (err) {
      this.opts.log.warn(`${this.name}: live mode unavailable, showing snapshots only: ${(err as Error).message}`);
    }
  }

  /** Batches arrive many times a second: fold them into the UI a few times a second at most. */
  private scheduleLiveApply(): void {
    this.liveTimer ??= setTimeout(() => {
      this.liveTimer = undefined;
      this.applyLive();
    }, LIVE_APPLY_MS);
  }

  private applyLive(): void {
    const live = this.live;
    if (!live || this.disposed) return;
    this.cwd ??= live.process.cwd;
    // The agent's hello knows the process before the first (less frequent, with the agent in) snapshot does.
    this.pid ??= live.process.pid;
    this.nodeVersion ??= live.process.nodeVersion;
    this.liveSites = sitesFromWatchReport(live.report(), this.cwd);
    this.sites = mergeLiveSites(this.snapshotSites, this.liveSites);
    // The thresholds of now (not of attach): a settings change re-marks the lines at once.
    const thresholds = { ...DEFAULT_LIVE_THRESHOLDS, ...this.opts.liveThresholds?.() };
    this.findings = computeFindings(live.model, thresholds).map(f => ({ ...f, site: { ...f.site, file: absoluteFile(f.site.file, this.cwd) } }));
    this.emit();
  }

  /** A fresh snapshot for the palette commands (also refreshes the editor). */
  async snapshot(): Promise<Snapshot> {
    const snap = await this.exclusive(() => takeSnapshot(this.conn, { allowQueryObjects: true, onWarning: m => this.opts.log.warn(m) }));
    this.applySnapshot(snap);
    this.emit();
    return snap;
  }

  private emit(): void {
    this.events.emit('update');
  }

  private onClosed(): void {
    if (this.disposed) return;
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
    this.state = 'exited';
    this.stopTimer();
    this.opts.log.info(`${this.name}: the process exited or closed its inspector`);
    this.emit();
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Detaches (kills the program only when we launched it). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.stopTimer();
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.state = 'detached';
    // Remove the agent first (restores every timer) so the target is left as we found it.
    await this.live?.stop().catch(() => undefined);
    await this.conn.close({ killChild: this.origin.type === 'launch' }).catch(() => undefined);
    this.emit();
    this.events.removeAllListeners();
  }
}
