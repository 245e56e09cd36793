import type * as ts from 'typescript';
import type { StaticCallSite } from '../../shared/lspProtocol';

/** Ids of the static rules; also the keys of the `timerscope.rules.<id>` settings. */
export type RuleId =
  | 'discarded-handle'
  | 'never-cleared'
  | 'per-request'
  | 'async-overlap'
  | 'clear-mismatch'
  | 'timers-promises-leak';

/** Configured level of a rule. */
export type RuleLevel = 'off' | 'info' | 'warning' | 'error';

export type TimerKind = 'timeout' | 'interval' | 'immediate';

/** Which API family made the timer: the callback timers or the `timers/promises` ones. */
export type TimerApi = 'timers' | 'timers/promises';

/**
 * What happened to the value a timer call returned. `key` identifies the storage slot so that clears,
 * reassignments and iterator calls elsewhere in the file can be matched to it (see keys.ts).
 */
export type HandleUse =
  | 'discarded'
  | 'stored'
  | 'collection'
  | 'returned'
  | 'escapes'
  | 'using'
  | 'for-await';

/** The request/connection callback a timer was created in (per-request rule). */
export type HandlerContext = { fn: ts.Node; description: string };

/** One timer call found in a file, with everything the rules and lenses need. */
export type TimerSite = {
  call: ts.CallExpression;
  api: TimerApi;
  kind: TimerKind;
  /** Offset of the callee's name: where V8 reports the call site, so runtime sites match it. */
  namePos: number;
  delayMs?: number;
  /** Source text of the delay when it is not a constant. */
  delayText?: string;
  callback?: ts.Expression;
  callbackName?: string;
  handle: HandleUse;
  key?: string;
  /** `.unref()` chained on the call or called on the stored handle. */
  unrefd: boolean;
  /** `.unref()` chained on the call itself (the part of `unrefd` a statement knows on its own). */
  chainedUnref: boolean;
  /** timers/promises: an AbortSignal option was passed. */
  signal: boolean;
  /** A setTimeout whose callback re-arms the function that created it. */
  rearms: boolean;
  /** Innermost function containing the call (undefined at module level). */
  fn?: ts.Node;
  /** Innermost class containing the call. */
  cls?: ts.ClassLikeDeclaration;
  handler?: HandlerContext;
};

/** A clearTimeout/clearInterval/close()/return() that targets a handle key. */
export type ClearSite = {
  node: ts.Node;
  key: string;
  /** clearTimeout, clearInterval, clearImmediate, close, dispose, return, forEach(clear…). */
  how: string;
  fn?: ts.Node;
  /** The class `this` refers to at the clear (classes that clear their timers somewhere). */
  cls?: ts.ClassLikeDeclaration;
};

/** `target = value` for an identifier or property; keys are computed lazily for the few that matter. */
export type Assignment = { node: ts.Node; target: ts.Identifier | ts.PropertyAccessExpression; value: ts.Expression };

/** A static finding before severities are applied. */
export type StaticFinding = {
  rule: RuleId;
  message: string;
  start: number;
  end: number;
  /** The timer site the finding is about, when there is one (quick fixes use it). */
  site?: TimerSite;
};

/** Compact, AST-free description of a call site (custom request, workspace index, lenses). */
export type CallSiteInfo = StaticCallSite & { rules: RuleId[] };
