/**
 * Custom messages between the Timerscope extension (vscode-languageclient) and the Timerscope language
 * server (src/server/server.ts), in the `namespace X { method; type }` style of vscode-eslint.
 * Lines and columns in these payloads are 1-based (like V8 stack frames and the snapshot contract);
 * `range` fields are LSP ranges (0-based).
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

export type StaticTimerKind = 'timeout' | 'interval' | 'immediate';

/** One timer call the static analysis found. */
export type StaticCallSite = {
  /** 1-based line/column of the callee name (`setInterval`): the position V8 reports for the call. */
  line: number;
  column: number;
  /** LSP range (0-based) of the whole call expression. */
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  kind: StaticTimerKind;
  /** `timers` for the callback API (global or `node:timers`), `timers/promises` for the promise API. */
  api: 'timers' | 'timers/promises';
  delayMs?: number;
  /** Source text of the delay when it is not a constant, e.g. `opts.checkPeriodMs`. */
  delayText?: string;
  callbackName?: string;
  /** Static facts shown in the lens, e.g. `['interval 1000 ms', 'never cleared']`. */
  facts: string[];
  /** Ids of the rules that fired on this site (whatever their configured level). */
  rules: string[];
};

/** The live numbers the extension has for one runtime call site. */
export type LiveSiteNumbers = {
  /** 1-based creation line in the file (after source mapping) and, optionally, column. */
  line: number;
  column?: number;
  kind?: StaticTimerKind;
  /** Timers from this site alive right now. */
  live: number;
  /** Of those, how many keep the process alive (ref'd); 0 makes the lens say `unref'd`. */
  refed?: number;
  created?: number;
  cleared?: number;
  fired?: number;
  refreshed?: number;
  /** Live count is growing over the observed window. */
  growing?: boolean;
  /** p99 lateness and callback duration, the percentiles the extension's thresholds use. */
  latenessP99Ms?: number;
  callbackP99Ms?: number;
  overlaps?: number;
};

/**
 * Client → server notification, sent whenever the extension's live view of the attached process
 * changes (throttled by the client, e.g. once a second). The server merges it, then asks the client
 * to re-fetch code lenses with `workspace/codeLens/refresh`, so the lens on a timer call shows the
 * static facts and the live numbers in one line.
 */
export namespace LiveSitesNotification {
  export const method = 'timerscope/liveSites' as const;
  export type Params = {
    files: { uri: string; sites: LiveSiteNumbers[] }[];
    /** Drop live data of files not listed (a full snapshot); send `{ files: [], replace: true }` on detach. */
    replace?: boolean;
  };
  export const type = new NotificationType<Params>(method);
}

/**
 * Client → server request: the static timer call sites of a file, so the extension can match runtime
 * sites (url:line:column) to lines. Open documents are answered from the editor buffer; other `file:`
 * URIs are read from disk and analysed on demand (results are cached by mtime).
 */
export namespace CallSitesRequest {
  export const method = 'timerscope/callSites' as const;
  export type Params = { uri: string };
  export type Result = { uri: string; version: number | null; sites: StaticCallSite[] };
  export const type = new RequestType<Params, Result, void>(method);
}

/**
 * The command every Timerscope code lens carries (registered by the extension). Argument: one
 * {@link LensCommand.Args}. With no extension listening (plain `timerscope-lsp --stdio` in another editor)
 * the lens is still shown; clicking it does nothing useful.
 */
export namespace LensCommand {
  export const id = 'timerscope.revealInTimeline' as const;
  export type Args = { uri: string; line: number; column: number; kind?: StaticTimerKind };
}
