// A default import: esbuild turns `import * as` into a namespace of getters, one call per ts.isX() in hot loops.
import ts from 'typescript';
import type { HandlerContext } from './types';

const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'use', 'head', 'options']);
const PER_EVENT = new Set(['request', 'connection', 'secureConnection', 'upgrade', 'stream', 'session', 'message']);
const FASTIFY_HOOKS = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse']);
const REQ_PARAM = /^(req|request|ctx|context|res|response|reply|socket|sock|conn|connection|ws|client|stream)$/;

/**
 * The innermost request or connection callback that `node` runs in: a function passed to
 * `http.createServer`, `server.on('request'|'connection', …)`, an Express/Koa/Fastify route or middleware,
 * `fastify.route({ handler })` or a Fastify request hook. Such callbacks run once per request, so a timer
 * created in them is created once per request.
 */
export function enclosingHandler(node: ts.Node): HandlerContext | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (!ts.isFunctionExpression(n) && !ts.isArrowFunction(n)) continue;
    const d = describeHandler(n);
    if (d) return { fn: n, description: d };
  }
  return undefined;
}

function describeHandler(fn: ts.FunctionExpression | ts.ArrowFunction): string | undefined {
  let parent = fn.parent;
  // fastify.route({ method, url, handler(req, reply) { … } }) / { handler: async (req, reply) => … }
  if (ts.isPropertyAssignment(parent) && propName(parent.name) === 'handler') return 'a route handler';
  if (!ts.isCallExpression(parent) || !parent.arguments.includes(fn)) return undefined;
  const call = parent;
  const callee = call.expression;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
  const objText = ts.isPropertyAccessExpression(callee) ? callee.expression.getText() : '';
  if (name === 'createServer' || name === 'createSecureServer') {
    return /^(net|tls)$/.test(objText) ? 'a per-connection callback (net.createServer)' : `a request handler (${objText || 'http'}.createServer)`;
  }
  const first = call.arguments[0];
  const event = first && ts.isStringLiteralLike(first) ? first.text : undefined;
  if ((name === 'on' || name === 'once' || name === 'addListener') && event && PER_EVENT.has(event)) {
    const per = event === 'request' || event === 'stream' ? 'request' : event === 'message' ? 'message' : 'connection';
    return `a per-${per} '${event}' listener`;
  }
  if (name === 'addHook' && event && FASTIFY_HOOKS.has(event)) return `a Fastify '${event}' hook`;
  if (ROUTE_METHODS.has(name) && ts.isPropertyAccessExpression(callee) && looksLikeRequestHandler(fn)) {
    const path = first && ts.isStringLiteralLike(first) ? ` '${first.text}'` : '';
    return name === 'use' ? `middleware (${objText}.use)` : `a route handler (${objText}.${name}${path})`;
  }
  return undefined;
}

function looksLikeRequestHandler(fn: ts.FunctionExpression | ts.ArrowFunction): boolean {
  return fn.parameters.some(p => ts.isIdentifier(p.name) && REQ_PARAM.test(p.name.text));
}

function propName(n: ts.PropertyName): string | undefined {
  return ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined;
}
