/**
 * Fans the attached sessions out to everything that shows them: gutter markers, hovers and lenses (one
 * DecorationPlan), the Timers tree, the status bar, the timeline and (through `onPlan`) the language
 * server's merged lenses. Recomputes at most once per tick of changes; the controllers throttle drawing.
 */
import * as vscode from 'vscode';
import type { DecorationController } from '../editor/decorationController';
import { planDecorations, userFileFilter, type DecorationPlan, type LineMark } from '../editor/decorationPlan';
import type { LiveCodeLensProvider } from '../editor/hoverAndLens';
import { siteKey } from '../editor/siteView';
import { ContextKeys } from '../shared/contributions';
import type { Disposable } from '../model/emitter';
import type { Snapshot } from '../shared/snapshot';
import type { TimerscopeSettings } from '../shared/settings';
import { emptyRecording, type TimelineHub } from '../views/timelineHub';
import { SnapshotTimelineFeed } from '../views/snapshotFeed';
import type { ProcessSession } from './processSession';
import type { SessionManager } from './sessionManager';
import type { TimerscopeStatusBar } from './statusBar';
import type { TimersTreeProvider } from './timersTree';
import { buildTree } from './treeModel';

export type LiveViewParts = {
  sessions: SessionManager;
  settings: () => TimerscopeSettings;
  decorations: DecorationController;
  lenses: LiveCodeLensProvider;
  tree: TimersTreeProvider;
  status: TimerscopeStatusBar;
  timeline: TimelineHub;
  /** Shows the number of problem lines on the Timers view. */
  badge: (problems: number) => void;
};

export class LiveView implements vscode.Disposable {
  /** The plan last shown (the test API reads it). */
  plan: DecorationPlan = new Map();
  /** Called with every new plan (the language-server bridge). */
  onPlan?: (plan: DecorationPlan, sessions: ProcessSession[]) => void;
  private scheduled?: NodeJS.Timeout;
  private attached = false;
  private timelineOf?: { session: ProcessSession; feed?: SnapshotTimelineFeed; last?: Snapshot; off?: Disposable };
  private readonly off: () => void;

  constructor(private readonly p: LiveViewParts) {
    this.off = p.sessions.onDidChange(() => this.schedule());
  }

  private schedule(): void {
    // Coalesce bursts (several sessions refreshing together) into one recompute.
    this.scheduled ??= setTimeout(() => {
      this.scheduled = undefined;
      this.recompute();
    }, 20);
  }

  /** Recomputes everything now. */
  recompute(): void {
    const s = this.p.settings();
    const sessions = this.p.sessions.list();
    const isUser = userFileFilter(s.userCodeExclude);
    this.plan = s.decorations || s.codeLens
      ? planDecorations(sessions.map(x => ({ processName: x.name, sites: x.sites, findings: x.findings })), s.thresholds, isUser)
      : new Map();
    this.p.decorations.update(s.decorations ? this.plan : new Map());
    this.p.lenses.refresh();
    const markBySite = new Map<string, LineMark>();
    for (const marks of this.plan.values()) for (const m of marks) for (const site of m.sites) markBySite.set(siteKey(site), m);
    this.p.tree.update(
      buildTree(
        sessions.map(x => ({ id: x.id, name: x.name, state: x.state, cwd: x.cwd, sites: x.sites, findings: x.findings.length, markOf: site => markBySite.get(siteKey(site))?.kind })),
        { showInternal: s.showInternal },
      ),
    );
    const problems = [...this.plan.values()].flat().filter(m => m.kind === 'leak' || m.kind === 'late' || m.kind === 'churn').length;
    this.p.status.update(sessions, problems);
    this.p.badge(problems);
    const attached = sessions.length > 0;
    if (attached !== this.attached) {
      this.attached = attached;
      void vscode.commands.executeCommand('setContext', ContextKeys.Attached, attached);
    }
    this.feedTimeline(sessions);
    this.onPlan?.(this.plan, sessions);
  }

  /**
   * The timeline follows one process: the newest live one. It is fed by the live agent's deltas once the
   * agent is in, and by snapshots turned into deltas until then (or when the agent cannot be injected).
   */
  private feedTimeline(sessions: ProcessSession[]): void {
    const hub = this.p.timeline;
    const cur = this.timelineOf;
    if (cur && (!sessions.includes(cur.session) || cur.session.state !== 'live')) {
      cur.off?.dispose();
      hub.endSession(cur.session.state === 'exited' ? 'the process exited' : 'detached');
      this.timelineOf = undefined;
    }
    if (!this.timelineOf) {
      const next = [...sessions].reverse().find(x => x.state === 'live' && x !== cur?.session);
      if (!next) return;
      const t0 = Date.now();
      this.timelineOf = { session: next, feed: new SnapshotTimelineFeed(t0) };
      hub.startSession({ ...emptyRecording(), t0, process: { pid: next.pid ?? 0, nodeVersion: next.nodeVersion ?? '', argv: [] } }, next.name, true);
    }
    const t = this.timelineOf;
    const live = t.session.live;
    if (t.feed && live && !live.ended) {
      t.feed = undefined;
      hub.startSession(live.recording(), t.session.name, true);
      t.off = live.onDelta(d => hub.pushDelta(d));
    }
    const snap = t.session.lastSnapshot;
    if (t.feed && snap && snap !== t.last) {
      t.last = snap;
      hub.pushDelta(t.feed.next(snap));
    }
  }

  /** Before revealing a site in the timeline: make the timeline follow the process that has it. */
  followProcessOf(file: string, line: number): void {
    const owner = this.p.sessions.list().find(x => x.state === 'live' && x.sites.some(s => s.file === file && s.line === line));
    if (!owner || owner === this.timelineOf?.session) return;
    this.timelineOf?.off?.dispose();
    this.timelineOf = undefined;
    this.feedTimeline([...this.p.sessions.list().filter(x => x !== owner), owner]);
  }

  dispose(): void {
    this.timelineOf?.off?.dispose();
    if (this.scheduled) clearTimeout(this.scheduled);
    this.off();
  }
}
