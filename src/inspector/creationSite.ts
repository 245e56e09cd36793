/**
 * Infers where a timer was created from where its callback is, for timers that existed before we attached
 * (no stack was taken for them). A parse of the generated script finds the `setTimeout/setInterval/
 * setImmediate` call that passes that callback:
 *  1. the callback is a function literal written as the call's first argument;
 *  2. the callback is a named function (declaration, `const f = …`, method, class field) and exactly one
 *     timer call of the right kind passes that name (`setInterval(poll, …)`, `setTimeout(this.tick, …)`);
 *  3. the callback literal is passed to a function or class of the same file whose parameter is handed to a
 *     timer call (`new IdleGuard(() => …)` → `setTimeout(onIdle, …)` in its constructor).
 * Ambiguous matches give up: the caller then reports the callback's own location.
 */
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';
import type { TimerKind } from '../shared/snapshot';

type Node = acorn.Node & Record<string, any>;

const TIMER_FNS: Record<string, TimerKind> = { setTimeout: 'timeout', setInterval: 'interval', setImmediate: 'immediate' };

type TimerCall = { node: Node; kind: TimerKind; line: number; column: number; arg0: Node | undefined; enclosing: Node | undefined };

type FunctionInfo = { node: Node; names: string[]; parentCall?: { callee: Node; argIndex: number } };

export type ScriptIndex = {
  calls: TimerCall[];
  functions: FunctionInfo[];
  /** Top-level and class-level declarations by name (functions, classes, methods). */
  declarations: Map<string, Node[]>;
  lineStarts: number[];
};

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function parse(text: string): acorn.Program | undefined {
  const base = {
    ecmaVersion: 'latest' as const,
    locations: true,
    allowHashBang: true,
    allowReturnOutsideFunction: true,
    allowAwaitOutsideFunction: true,
    allowImportExportEverywhere: true,
  };
  for (const sourceType of ['module', 'script'] as const) {
    try {
      return acorn.parse(text, { ...base, sourceType });
    } catch {
      /* try the other */
    }
  }
  return undefined;
}

function propName(n: Node | undefined): string | undefined {
  if (!n) return undefined;
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'Literal' && typeof n.value === 'string') return n.value;
  if (n.type === 'PrivateIdentifier') return '#' + n.name;
  return undefined;
}

/** The name a call passes as its callee (`setTimeout`, `timers.setTimeout`, `this.arm`). */
function calleeName(callee: Node): { name?: string; pos: Node } {
  if (callee.type === 'Identifier') return { name: callee.name, pos: callee };
  if (callee.type === 'MemberExpression' && !callee.computed) return { name: propName(callee.property), pos: callee.property };
  // TypeScript's and Babel's CommonJS output for an imported function: `(0, node_timers_1.setInterval)(…)`.
  if (callee.type === 'SequenceExpression') return calleeName(callee.expressions[callee.expressions.length - 1]);
  return { pos: callee };
}

/**
 * V8 places a call through a parenthesized callee (`(0, m.setInterval)(…)`) at the `(` of its arguments,
 * not at the function's name. Line 1-based, column 0-based, as acorn's `loc`.
 */
function argumentsParen(text: string, callee: Node): { line: number; column: number } {
  const paren = text.indexOf('(', callee.end);
  return acorn.getLineInfo(text, paren >= 0 ? paren : callee.start);
}

/** Names by which a function value can be referred to. */
function namesOf(fn: Node, ancestors: Node[]): string[] {
  const names: string[] = [];
  if (fn.id?.name) names.push(fn.id.name);
  const parent = ancestors[ancestors.length - 2];
  if (!parent) return names;
  if (parent.type === 'VariableDeclarator' && parent.init === fn) names.push(propName(parent.id) ?? '');
  if (parent.type === 'AssignmentExpression' && parent.right === fn) {
    names.push(parent.left.type === 'MemberExpression' ? propName(parent.left.property) ?? '' : propName(parent.left) ?? '');
  }
  if ((parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && parent.value === fn) {
    names.push(propName(parent.key) ?? '');
  }
  return names.filter(Boolean);
}

/** Parses a script once and lists its timer calls and functions. */
export function indexScript(text: string): ScriptIndex | undefined {
  const program = parse(text);
  if (!program) return undefined;
  const calls: TimerCall[] = [];
  const functions: FunctionInfo[] = [];
  const declarations = new Map<string, Node[]>();
  const declare = (name: string | undefined, node: Node) => {
    if (!name) return;
    const l = declarations.get(name) ?? [];
    l.push(node);
    declarations.set(name, l);
  };
  const onFunction = (node: Node, ancestors: Node[]) => {
    const info: FunctionInfo = { node, names: namesOf(node, ancestors) };
    const parent = ancestors[ancestors.length - 2];
    if (parent && (parent.type === 'CallExpression' || parent.type === 'NewExpression')) {
      const i = parent.arguments.indexOf(node);
      if (i >= 0) info.parentCall = { callee: parent.callee, argIndex: i };
    }
    functions.push(info);
    for (const n of info.names) declare(n, node);
  };
  walk.fullAncestor(program, (n, _state, ancestors) => {
    const node = n as Node;
    const anc = ancestors as Node[];
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        onFunction(node, anc);
        break;
      case 'ClassDeclaration':
      case 'ClassExpression':
        declare(node.id?.name, node);
        break;
      case 'CallExpression': {
        const { name, pos } = calleeName(node.callee);
        const kind = name ? TIMER_FNS[name] : undefined;
        if (kind) {
          const enclosing = [...anc].reverse().find(a => a !== node && /Function/.test(a.type));
          // Where V8's stack frames put the call, so that a timer found through its callback and one
          // found through a sampled stack get the same position.
          const at = node.callee.type === 'SequenceExpression' ? argumentsParen(text, node.callee) : { line: pos.loc!.start.line, column: pos.loc!.start.column };
          calls.push({ node, kind, line: at.line, column: at.column + 1, arg0: node.arguments[0], enclosing });
        }
        break;
      }
    }
  });
  return { calls, functions, declarations, lineStarts: lineStartsOf(text) };
}

function refersTo(arg: Node | undefined, names: string[]): boolean {
  if (!arg) return false;
  if (arg.type === 'Identifier') return names.includes(arg.name);
  if (arg.type === 'MemberExpression' && !arg.computed) {
    // `this.tick`, `obj.tick`, and `this.tick.bind(this)`.
    return names.includes(propName(arg.property) ?? '');
  }
  if (arg.type === 'CallExpression' && arg.callee.type === 'MemberExpression' && propName(arg.callee.property) === 'bind') {
    return refersTo(arg.callee.object, names);
  }
  return false;
}

function unique(calls: TimerCall[], kind: TimerKind): TimerCall | undefined {
  const ofKind = calls.filter(c => c.kind === kind);
  return ofKind.length === 1 ? ofKind[0] : undefined;
}

/** The parameter list of a callee's body: a function declaration, or a class's constructor. */
function paramsOf(decl: Node): { params: Node[]; body: Node } | undefined {
  if (/Function/.test(decl.type)) return { params: decl.params, body: decl };
  if (decl.type === 'ClassDeclaration' || decl.type === 'ClassExpression') {
    const ctor = decl.body.body.find((m: Node) => m.type === 'MethodDefinition' && m.kind === 'constructor');
    return ctor ? { params: ctor.value.params, body: ctor.value } : undefined;
  }
  return undefined;
}

/**
 * The creation site (1-based line/column of the timer function's name) of a timer whose callback starts at
 * the given 1-based position, or undefined when it cannot be told for sure.
 */
export function inferCreationSite(
  index: ScriptIndex,
  callbackLine: number,
  callbackColumn: number,
  kind: TimerKind,
): { line: number; column: number; how: 'literal' | 'name' | 'parameter' } | undefined {
  const offset = (index.lineStarts[callbackLine - 1] ?? 0) + callbackColumn - 1;
  // V8 reports a function's position somewhere between its start and its body (e.g. at the parameters).
  const candidates = index.functions.filter(f => f.node.start <= offset && offset <= f.node.body.start);
  const fn = candidates.sort((a, b) => b.node.start - a.node.start)[0];
  if (!fn) return undefined;
  const direct = index.calls.find(c => c.arg0 === fn.node && c.kind === kind);
  if (direct) return { line: direct.line, column: direct.column, how: 'literal' };
  if (fn.names.length > 0) {
    const byName = unique(index.calls.filter(c => refersTo(c.arg0, fn.names)), kind);
    if (byName) return { line: byName.line, column: byName.column, how: 'name' };
  }
  if (fn.parentCall) {
    const { name } = calleeName(fn.parentCall.callee);
    const decls = name ? index.declarations.get(name) ?? [] : [];
    const found: TimerCall[] = [];
    for (const decl of decls) {
      const p = paramsOf(decl);
      const param = p?.params[fn.parentCall.argIndex];
      if (!p || param?.type !== 'Identifier') continue;
      found.push(...index.calls.filter(c => c.enclosing === p.body && refersTo(c.arg0, [param.name])));
    }
    const call = unique(found, kind);
    if (call) return { line: call.line, column: call.column, how: 'parameter' };
  }
  return undefined;
}
