// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { FileFacts } from './facts';
import type { TextEdit } from './parse';
import { clearFnFor, slotText } from './rules/helpers';
import type { StaticFinding, TimerSite } from './types';

/** A quick fix as offset edits in the analysed text. */
export type Fix = { title: string; edits: TextEdit[]; preferred: boolean };

const DISPOSERS = ['dispose', 'close', 'stop', 'destroy', 'shutdown', 'teardown', '[Symbol.dispose]'];

/**
 * Safe fixes for discarded-handle / never-cleared findings:
 * - in a class: store the handle in a field and clear it in the class's dispose/close/stop/… method
 *   (adding `dispose()` when there is none);
 * - anywhere: chain `.unref()` so a housekeeping timer stops holding the process open.
 */
export function fixesFor(facts: FileFacts, finding: StaticFinding): Fix[] {
  const s = finding.site;
  if (!s || s.api !== 'timers' || (finding.rule !== 'discarded-handle' && finding.rule !== 'never-cleared')) return [];
  const fixes: Fix[] = [];
  const store = storeAndDispose(facts, s);
  if (store) fixes.push(store);
  if (!s.unrefd) {
    fixes.push({
      title: 'Add .unref() (housekeeping timer: do not keep the process alive)',
      edits: [{ start: s.call.end, end: s.call.end, newText: '.unref()' }],
      preferred: !store,
    });
  }
  return fixes;
}

function storeAndDispose(facts: FileFacts, s: TimerSite): Fix | undefined {
  const cls = s.cls;
  if (!cls) return undefined;
  const text = facts.sf.text;
  const isTs = /\.[cm]?tsx?$/i.test(facts.sf.fileName);
  const indent = memberIndent(text, cls);
  const edits: TextEdit[] = [];
  let slot: string;
  if (s.handle === 'discarded' && ts.isExpressionStatement(s.call.parent)) {
    const field = uniqueField(text, `${s.callbackName ?? s.kind}Timer`.replace(/^(.)/, c => c.toLowerCase()));
    slot = `this.${field}`;
    edits.push({ start: s.call.getStart(), end: s.call.getStart(), newText: `${slot} = ` });
    if (isTs) {
      const fn = s.kind === 'interval' ? 'setInterval' : 'setTimeout';
      edits.push({ start: cls.members.pos, end: cls.members.pos, newText: `\n${indent}private ${field}?: ReturnType<typeof ${fn}>;` });
    }
  } else if (s.handle === 'stored' && s.key?.startsWith('p#')) {
    slot = slotText(s);
  } else return undefined;
  const clear = `${clearFnFor(s)}(${slot});`;
  const disposer = cls.members.find((m): m is ts.MethodDeclaration =>
    ts.isMethodDeclaration(m) && !!m.body && DISPOSERS.includes(m.name.getText()));
  let title: string;
  if (disposer) {
    const at = disposer.body!.getStart() + 1;
    edits.push({ start: at, end: at, newText: `\n${indent}  ${clear}` });
    title = `Store the handle in ${slot} and clear it in ${disposer.name.getText()}()`;
  } else {
    const at = cls.members.end;
    edits.push({ start: at, end: at, newText: `\n\n${indent}dispose()${isTs ? ': void' : ''} {\n${indent}  ${clear}\n${indent}}` });
    title = `Store the handle in ${slot} and clear it in a new dispose() method`;
  }
  return { title, edits, preferred: true };
}

function memberIndent(text: string, cls: ts.ClassLikeDeclaration): string {
  const first = cls.members[0];
  if (!first) return '  ';
  const start = first.getStart();
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const ws = text.slice(lineStart, start);
  return /^\s*$/.test(ws) ? ws : '  ';
}

function uniqueField(text: string, base: string): string {
  let name = base;
  for (let i = 2; new RegExp(`\\b${name}\\b`).test(text); i++) name = `${base}${i}`;
  return name;
}
