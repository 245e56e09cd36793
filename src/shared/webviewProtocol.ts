import type { Recording, RecordingDelta } from './recording';
import type { SourcePosition } from './snapshot';

/**
 * Messages between a timeline host (the VS Code extension host, `timerscope view`'s page loader, the HTML
 * report) and the timeline webview (`webview/main.ts`). Discriminated by `type`; every member says who sends
 * it and when. Only `import type` here: the webview bundle must not pull in host code.
 */

/** Thresholds above which a fire counts as an SLO breach and is outlined in the timeline. */
export type TimelineSlo = {
  /** A fire starting more than this after its scheduled time breaches. */
  latenessMs: number;
  /** A callback running longer than this breaches. */
  callbackMs: number;
};

/** Host-chosen settings that shape the timeline; sent with every hydrate. */
export type TimelineConfig = {
  /** Only this much recent history is kept (live mode); `null` keeps everything (a recording). */
  windowMs: number | null;
  slo: TimelineSlo;
};

/** Default SLO thresholds (also the `timerscope.timeline.slo.*` setting defaults). */
export const DEFAULT_TIMELINE_SLO: TimelineSlo = { latenessMs: 50, callbackMs: 50 };

/** Host → webview. */
export type ToWebviewMessage =
  | {
      /**
       * Sent when the webview becomes visible (after its `ready`) and whenever the session changes: the full
       * windowed state. Replaces whatever the webview had.
       */
      type: 'hydrate';
      recording: Recording;
      /** True while a live session keeps sending deltas (enables follow-live). */
      live: boolean;
      config: TimelineConfig;
      /** Human label of the source, e.g. "pid 4242 node server.js" or a file name. */
      label?: string;
    }
  | {
      /** Sent while visible after a hydrate: new events since the last message, never a repeat. */
      type: 'delta';
      delta: RecordingDelta;
    }
  | {
      /**
       * Sent when the user asks to see a call site in the timeline (a code lens, the Timers view): the webview
       * expands that site's lane, scrolls it into view and flashes it. `line` is 1-based.
       */
      type: 'focusSite';
      location: SourcePosition;
    }
  | {
      /** Sent when the live session ends (detach, target exit); the webview stops following. */
      type: 'sessionEnded';
      reason: string;
    };

/** Webview → host. */
export type FromWebviewMessage =
  | {
      /** Sent once the webview's script has loaded and listens; the host answers with `hydrate`. */
      type: 'ready';
    }
  | {
      /**
       * Sent when the user clicks a slice or a lane: open `location` in an editor. A host without an editor
       * (the standalone page) shows the location instead.
       */
      type: 'reveal';
      location: SourcePosition;
      siteId?: number;
      timerId?: number;
    }
  | {
      /** Sent when the webview hits an unexpected error, so the host can log it (the view keeps running). */
      type: 'error';
      message: string;
    };

/** Type guard for messages arriving at the host from an untrusted webview channel. */
export function isFromWebviewMessage(value: unknown): value is FromWebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; location?: { file?: unknown; line?: unknown } };
  switch (m.type) {
    case 'ready':
      return true;
    case 'error':
      return typeof (value as { message?: unknown }).message === 'string';
    case 'reveal':
      return typeof m.location?.file === 'string' && typeof m.location.line === 'number';
    default:
      return false;
  }
}
