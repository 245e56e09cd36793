/**
 * Pure: which line of which file gets which marker, hover and lens, from the sites and findings of every
 * attached process. Kept free of `vscode` so it is unit-tested with plain `node --test`; the
 * DecorationController only turns a plan into editor decorations.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Commands } from '../shared/contributions';
import type { Finding, FindingRule } from '../shared/findings';
import type { LensCommand } from '../shared/lspProtocol';
import type { Thresholds } from '../shared/settings';
import { describeKind, formatCount, formatMs, lensText, sumSites } from './lensText';
import type { SiteView } from './siteView';

/** Marker kinds, most severe first. */
export type MarkKind = 'leak' | 'late' | 'churn' | 'healthy' | 'unrefd';
export const MARK_KINDS: readonly MarkKind[] = ['leak', 'late', 'churn', 'healthy', 'unrefd'];

/** What one attached process contributes to the plan. */
export type ProcessSites = {
  processName: string;
  sites: SiteView[];
  /** Findings with absolute `site.file`. */
  findings: Finding[];
};

export type LineMark = {
  /** Absolute path. */
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  kind: MarkKind;
  /** Short reason for the marker, e.g. `leak: 38 live, growing`. */
  reason: string;
  lens: string;
  /** Markdown. */
  hover: string;
  sites: SiteView[];
  findings: Finding[];
};

/** file → marks sorted by line. */
export type DecorationPlan = Map<string, LineMark[]>;

const RULE_KIND: Record<FindingRule, MarkKind> = {
  'leak.growth': 'leak',
  'leak.outlived-request': 'leak',
  keepalive: 'late',
  'callback.long': 'late',
  late: 'late',
  overlap: 'late',
  churn: 'churn',
};

const rank = (k: MarkKind) => MARK_KINDS.indexOf(k);
/** Fires needed before lateness and callback percentiles mark a line. */
const MIN_FIRES = 5;

/** The marker kind of a line and why, from findings first, then the user's thresholds. */
export function classify(sites: SiteView[], findings: Finding[], t: Thresholds): { kind: MarkKind; reason: string } {
  let best: { kind: MarkKind; reason: string } | undefined;
  const consider = (kind: MarkKind, reason: string) => {
    if (!best || rank(kind) < rank(best.kind)) best = { kind, reason };
  };
  for (const f of findings) {
    // Informational findings (e.g. "keeps the process alive") are told in the hover, not painted.
    if (f.severity === 'info') continue;
    const kind = f.rule === 'keepalive' && f.severity === 'error' ? 'leak' : RULE_KIND[f.rule] ?? 'late';
    consider(kind, `${f.rule}: ${f.message}`);
  }
  const s = sumSites(sites);
  if (s.growing && s.live >= t.leakLive) consider('leak', `leak: ${formatCount(s.live)} live and growing`);
  // A percentile of a handful of fires is noise (the live findings use the same minimum).
  const enoughFires = s.fired === undefined || s.fired >= MIN_FIRES;
  if (enoughFires && s.latenessP99Ms !== undefined && s.latenessP99Ms > t.lateMs) consider('late', `late: p99 ${formatMs(s.latenessP99Ms)} behind schedule`);
  if (enoughFires && s.callbackP99Ms !== undefined && s.callbackP99Ms > t.callbackMs) consider('late', `long callback: p99 ${formatMs(s.callbackP99Ms)}`);
  const rate = Math.max(0, ...sites.map(x => x.createdPerSecond ?? 0));
  if (rate > t.churnPerSecond) consider('churn', `churn: ${formatCount(Math.round(rate))} created per second`);
  if (s.refed === 0 && s.live > 0) consider('unrefd', "unref'd: does not keep the process alive");
  // Healthy only when nothing else applies (it outranks the quieter unref'd dot).
  return best ?? { kind: 'healthy', reason: 'healthy' };
}

/** A command link (the hover trusts exactly RevealSite and RevealInTimeline): `[label](command:id?[args])`. */
function commandLink(label: string, command: string, args: unknown): string {
  return `[${label}](command:${command}?${encodeURIComponent(JSON.stringify([args]))})`;
}

/** Opens `file` at the line: a command link for real paths, plain code for `node:` and unknown files. */
function link(file: string, line: number, column: number, label: string): string {
  if (!path.isAbsolute(file)) return `\`${label}\``;
  return commandLink(label, Commands.RevealSite, { file, line, column });
}

/** The hover of a line: numbers, ref state, keep-alive reason, findings and links to the callback. */
export function hoverMarkdown(processName: string, sites: SiteView[], findings: Finding[], kind: MarkKind, reason: string): string {
  const s = sumSites(sites);
  const out: string[] = [];
  out.push(`**Timerscope** · ${kind === 'healthy' ? 'live timers' : reason} — _${processName}_`);
  out.push('');
  out.push(`${describeKind(s)} · ${lensText(s)}`);
  out.push('');
  const rows: [string, string][] = [['live', formatCount(s.live)]];
  if (s.refed !== undefined) rows.push(["ref'd", `${formatCount(s.refed)} of ${formatCount(s.live)}`]);
  if (s.created !== undefined) rows.push(['created', formatCount(s.created)]);
  if (s.cleared !== undefined) rows.push(['cleared', formatCount(s.cleared)]);
  if (s.fired !== undefined) rows.push(['fired', formatCount(s.fired)]);
  if (s.latenessP99Ms !== undefined) rows.push(['p99 lateness', formatMs(s.latenessP99Ms)]);
  if (s.callbackP99Ms !== undefined) rows.push(['p99 callback', formatMs(s.callbackP99Ms)]);
  if (s.liveHistory && s.liveHistory.length > 1) rows.push(['live over time', s.liveHistory.join(' → ')]);
  out.push('| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`));
  out.push('');
  if (s.keepsAlive) out.push(`**Keeps the process alive:** ${formatCount(s.refed ?? s.live)} ref'd ${describeKind(s)} timer${(s.refed ?? s.live) === 1 ? '' : 's'} created here.`);
  else out.push("Does not keep the process alive (unref'd).");
  for (const f of findings) out.push('', `- **${f.rule}** (${f.severity}): ${f.message}`);
  const cb = s.callback;
  if (cb && cb.line) out.push('', `Callback: ${link(cb.file, cb.line, cb.column, `${cb.name || '(anonymous)'} — ${cb.file.split('/').pop()}:${cb.line}`)}`);
  out.push('', `Created at ${link(s.file, s.line, s.column, `${s.file.split('/').pop()}:${s.line}:${s.column}`)}`);
  if (path.isAbsolute(s.file)) {
    const args: LensCommand.Args = { uri: pathToFileURL(s.file).href, line: s.line, column: s.column, kind: s.kind };
    out.push('', commandLink('Show in timeline', Commands.RevealInTimeline, args));
  }
  return out.join('\n');
}

/**
 * Builds the plan: one mark per (file, line), merging sites of every process on that line.
 * `isUserFile` filters out dependencies and Node internals (they get no markers).
 */
export function planDecorations(processes: ProcessSites[], t: Thresholds, isUserFile: (file: string) => boolean): DecorationPlan {
  type Acc = { file: string; line: number; column: number; sites: SiteView[]; findings: Finding[]; names: Set<string> };
  const byLine = new Map<string, Acc>();
  const acc = (file: string, line: number, column: number, name: string) => {
    const k = `${file}\n${line}`;
    let a = byLine.get(k);
    if (!a) byLine.set(k, (a = { file, line, column, sites: [], findings: [], names: new Set() }));
    a.names.add(name);
    return a;
  };
  for (const p of processes) {
    for (const s of p.sites) {
      if (s.internal || !s.line || !isUserFile(s.file)) continue;
      acc(s.file, s.line, s.column, p.processName).sites.push(s);
    }
    for (const f of p.findings) {
      if (!f.site.line || !isUserFile(f.site.file)) continue;
      acc(f.site.file, f.site.line, f.site.column, p.processName).findings.push(f);
    }
  }
  const plan: DecorationPlan = new Map();
  for (const a of byLine.values()) {
    const sites = a.sites.length ? a.sites : [{ file: a.file, line: a.line, column: a.column, kind: 'timeout' as const, live: 0 }];
    const { kind, reason } = classify(sites, a.findings, t);
    const name = [...a.names].join(', ');
    const mark: LineMark = {
      file: a.file,
      line: a.line,
      column: a.column,
      kind,
      reason,
      lens: lensText(sumSites(sites)) + (kind === 'healthy' || kind === 'unrefd' ? '' : ` · ${kind}`),
      hover: hoverMarkdown(name, sites, a.findings, kind, reason),
      sites: a.sites,
      findings: a.findings,
    };
    const list = plan.get(a.file) ?? [];
    list.push(mark);
    plan.set(a.file, list);
  }
  for (const list of plan.values()) list.sort((x, y) => x.line - y.line);
  return plan;
}

/** Minimal glob → RegExp for `userCode.exclude` (`**`, `*`, `?`); matched against absolute paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${glob.startsWith('/') || glob.startsWith('**') ? '' : '(?:.*/)?'}${re}$`);
}

/** A predicate for "this absolute path is the user's code": a real file path, not matched by any exclude glob. */
export function userFileFilter(exclude: string[]): (file: string) => boolean {
  const res = exclude.map(globToRegExp);
  return file => path.isAbsolute(file) && !res.some(r => r.test(file));
}
