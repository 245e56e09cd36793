// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { TimerApi, TimerKind } from './types';

/** A resolved timer-related function: `setInterval` from the globals, `timers` or `timers/promises`. */
export type TimerFn = { api: TimerApi; name: string };

const CREATE: Record<string, TimerKind> = { setTimeout: 'timeout', setInterval: 'interval', setImmediate: 'immediate' };
const CLEAR = new Set(['clearTimeout', 'clearInterval', 'clearImmediate']);
const GLOBAL_OBJECTS = new Set(['globalThis', 'global', 'window', 'self']);

/** Kind of timer a create function makes, if `name` is one. */
export function kindOf(name: string): TimerKind | undefined {
  return Object.prototype.hasOwnProperty.call(CREATE, name) ? CREATE[name] : undefined;
}

/** True for clearTimeout/clearInterval/clearImmediate. */
export function isClearName(name: string): boolean {
  return CLEAR.has(name);
}

/** Module specifier → API family, for `timers`, `node:timers`, `timers/promises`, `node:timers/promises`. */
function apiOfModule(spec: string): TimerApi | undefined {
  const s = spec.replace(/^node:/, '');
  return s === 'timers' ? 'timers' : s === 'timers/promises' ? 'timers/promises' : undefined;
}

/** `require('x')` → 'x'. */
function requiredModule(e: ts.Expression | undefined): string | undefined {
  if (e && ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'require'
    && e.arguments.length === 1 && ts.isStringLiteralLike(e.arguments[0])) return e.arguments[0].text;
  return undefined;
}

/**
 * Local names bound to the timers modules in one file: `import { setInterval as every } from
 * 'node:timers/promises'`, `const tp = require('timers/promises')`, `const { setTimeout } = require('timers')`.
 * `fn` undefined means the name is the module namespace.
 */
export class TimerBindings {
  private readonly names = new Map<string, { api: TimerApi; fn?: string }>();

  /** Record bindings a statement/declaration introduces (imports and requires); true when it added any. */
  note(node: ts.Node): boolean {
    const before = this.names.size;
    this.add(node);
    return this.names.size !== before;
  }

  /** The bindings as text, to tell whether two versions of a file bind the timer modules the same way. */
  signature(): string {
    return JSON.stringify([...this.names]);
  }

  private add(node: ts.Node): void {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && node.importClause) {
      const api = apiOfModule(node.moduleSpecifier.text);
      if (!api) return;
      const c = node.importClause;
      if (c.name) this.names.set(c.name.text, { api });
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) this.names.set(nb.name.text, { api });
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) this.names.set(el.name.text, { api, fn: (el.propertyName ?? el.name).text });
      }
    } else if (ts.isVariableDeclaration(node)) {
      const spec = requiredModule(node.initializer);
      const api = spec && apiOfModule(spec);
      if (!api) return;
      if (ts.isIdentifier(node.name)) this.names.set(node.name.text, { api });
      else if (ts.isObjectBindingPattern(node.name)) {
        for (const el of node.name.elements) {
          if (!ts.isIdentifier(el.name)) continue;
          const prop = el.propertyName && ts.isIdentifier(el.propertyName) ? el.propertyName.text : el.name.text;
          this.names.set(el.name.text, { api, fn: prop });
        }
      }
    }
  }

  /** Resolve a callee expression to a timer-related function, or undefined. */
  resolve(callee: ts.Expression): TimerFn | undefined {
    if (ts.isIdentifier(callee)) {
      const b = this.names.get(callee.text);
      if (b) return b.fn ? { api: b.api, name: b.fn } : undefined;
      return kindOf(callee.text) || isClearName(callee.text) ? { api: 'timers', name: callee.text } : undefined;
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const name = callee.name.text;
      if (!kindOf(name) && !isClearName(name)) return undefined;
      const obj = callee.expression;
      if (ts.isIdentifier(obj)) {
        if (GLOBAL_OBJECTS.has(obj.text)) return { api: 'timers', name };
        const b = this.names.get(obj.text);
        return b && !b.fn ? { api: b.api, name } : undefined;
      }
      const api = apiOfModule(requiredModule(obj) ?? '');
      return api ? { api, name } : undefined;
    }
    return undefined;
  }
}
