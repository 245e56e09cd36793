import type { Recording, RecordingDelta } from '../shared/recording';
import { RECORDING_SCHEMA } from '../shared/recording';
import type { SourcePosition } from '../shared/snapshot';
import {
  DEFAULT_TIMELINE_SLO, isFromWebviewMessage, type TimelineConfig, type ToWebviewMessage,
} from '../shared/webviewProtocol';
import { TimelineStore } from '../model/timelineStore';
import { mergeDeltas } from '../model/timelineDelta';

/**
 * Host side of every timeline webview (the panel view and the editor panel), free of `vscode` so it is tested
 * with plain node. It owns the windowed {@link TimelineStore}; a webview gets a full `hydrate` when it is (or
 * becomes) visible and ready, then only `delta`s. Hidden webviews get nothing and are re-hydrated when shown,
 * so a long session costs nothing while the view is closed.
 */

/** The part of a VS Code webview (view or panel) the hub needs. */
export interface ITimelineWebview {
  readonly visible: boolean;
  postMessage(message: ToWebviewMessage): PromiseLike<boolean>;
}

/** A connected webview; the host forwards its events here. */
export interface ITimelineClient {
  /** Call with every message the webview posts. */
  receive(message: unknown): void;
  /** Call when the webview's visibility changes. */
  visibilityChanged(): void;
  dispose(): void;
}

type Client = { view: ITimelineWebview; ready: boolean; hydrated: boolean };

/** Deltas are coalesced for this long before being posted: fewer, larger messages to the webview. */
const FLUSH_MS = 100;

export function emptyRecording(): Recording {
  return {
    schema: RECORDING_SCHEMA, process: { pid: 0, nodeVersion: '', argv: [] }, t0: Date.now(), durationMs: 0,
    threads: [{ threadId: 0, name: 'main' }], sites: [], timers: [], fires: [], marks: [], gc: [], counters: [],
    loopDelay: [], findings: [], dropped: 0,
  };
}

export class TimelineHub {
  readonly store: TimelineStore;
  live = false;
  label = 'no session';
  private config: TimelineConfig;
  private readonly clients = new Set<Client>();
  private pending: RecordingDelta[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private pendingFocus: SourcePosition | undefined;

  constructor(
    /** Opens a source location (VS Code: an editor). */
    private readonly reveal: (location: SourcePosition) => void,
    config: Partial<TimelineConfig> = {},
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.config = { windowMs: config.windowMs ?? 120_000, slo: config.slo ?? DEFAULT_TIMELINE_SLO };
    this.store = new TimelineStore({ windowMs: this.config.windowMs });
    this.store.load(emptyRecording());
  }

  /** Connects a webview. It is hydrated once it says `ready` while visible. */
  attach(view: ITimelineWebview): ITimelineClient {
    const client: Client = { view, ready: false, hydrated: false };
    this.clients.add(client);
    return {
      receive: m => this.onMessage(client, m),
      visibilityChanged: () => {
        // A hidden webview missed deltas (or was destroyed and re-created): hydrate again when shown.
        if (!view.visible) client.hydrated = false;
        else if (client.ready && !client.hydrated) this.hydrate(client);
      },
      dispose: () => this.clients.delete(client),
    };
  }

  /** Starts showing a session: a live one (deltas follow) or a finished recording. */
  startSession(recording: Recording | undefined, label: string, live: boolean): void {
    this.flush();
    this.live = live;
    this.label = label;
    this.store.options.windowMs = live ? this.config.windowMs : null;
    this.store.load(recording ?? emptyRecording());
    this.rehydrateAll();
  }

  /** Feeds one live delta (from the LiveSession). */
  pushDelta(delta: RecordingDelta): void {
    this.store.apply(delta);
    if (![...this.clients].some(c => c.hydrated)) return;
    this.pending.push(delta);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /**
   * Shows a call site in the timeline (code lens "reveal in timeline"). Delivered to visible webviews now, or
   * to the next one that hydrates.
   */
  focusSite(location: SourcePosition): void {
    this.pendingFocus = location;
    const targets = [...this.clients].filter(c => c.hydrated && c.view.visible);
    for (const c of targets) void c.view.postMessage({ type: 'focusSite', location });
    if (targets.length) this.pendingFocus = undefined;
  }

  /** The live session ended (detach, target exit). */
  endSession(reason: string): void {
    this.flush();
    this.live = false;
    this.broadcast({ type: 'sessionEnded', reason });
  }

  /** New settings (window, SLO): every visible webview is re-hydrated with them. */
  setConfig(config: Partial<TimelineConfig>): void {
    this.config = { ...this.config, ...config };
    if (this.live) this.store.options.windowMs = this.config.windowMs;
    this.rehydrateAll();
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.clients.clear();
  }

  /** Posts coalesced deltas to hydrated, visible webviews now. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0) return;
    const delta = mergeDeltas(this.pending);
    this.pending = [];
    this.broadcast({ type: 'delta', delta });
  }

  private broadcast(m: ToWebviewMessage): void {
    for (const c of this.clients) {
      if (!c.hydrated) continue;
      if (!c.view.visible) {
        c.hydrated = false;
        continue;
      }
      void c.view.postMessage(m);
    }
  }

  private rehydrateAll(): void {
    for (const c of this.clients) {
      c.hydrated = false;
      if (c.ready && c.view.visible) this.hydrate(c);
    }
  }

  private hydrate(c: Client): void {
    // Pending deltas are already in the store: a fresh hydrate includes them.
    this.flush();
    c.hydrated = true;
    const config: TimelineConfig = { ...this.config, windowMs: this.live ? this.config.windowMs : null };
    void c.view.postMessage({ type: 'hydrate', recording: this.store.toRecording(), live: this.live, config, label: this.label });
    if (this.pendingFocus) {
      void c.view.postMessage({ type: 'focusSite', location: this.pendingFocus });
      this.pendingFocus = undefined;
    }
  }

  private onMessage(c: Client, m: unknown): void {
    if (!isFromWebviewMessage(m)) {
      this.log(`timeline: ignored malformed webview message ${JSON.stringify(m)?.slice(0, 200)}`);
      return;
    }
    switch (m.type) {
      case 'ready':
        c.ready = true;
        c.hydrated = false;
        if (c.view.visible) this.hydrate(c);
        break;
      case 'reveal':
        this.reveal(m.location);
        break;
      case 'error':
        this.log(`timeline webview error: ${m.message}`);
        break;
    }
  }
}
