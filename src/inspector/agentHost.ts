/**
 * The host side of the in-target agent for one thread: injects dist/agent.js with `Runtime.evaluate`,
 * hands it the timers that exist now (read from Node's timer lists, no `Runtime.queryObjects`), receives
 * its batches through a `Runtime.addBinding` function, pings it (the agent removes itself when pings stop)
 * and removes it again. No CDP domain is enabled for any of this.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../common/errors';
import {
  AGENT_BINDING,
  AGENT_GLOBAL,
  AGENT_PROTOCOL_VERSION,
  type AgentBatch,
  type AgentHello,
  type AgentStartOptions,
} from '../shared/agentProtocol';
import type { CdpSession } from './cdpSession';
import { findTimerLists } from './timerLists';

const GROUP = 'timerscope-agent';
/** How often the host tells the agent it is still there (the agent's heartbeat timeout is longer). */
export const PING_MS = 1000;

let cachedSource: string | undefined;

/** The agent bundle's text: next to the running bundle (dist/), or dist/ of the repository (tests, tsx). */
/**
 * Node's inspector drops a `NodeWorker.sendMessageToWorker` message that holds a multi-byte character:
 * injection into a worker thread then waits forever. `\uXXXX` means the same character in JavaScript
 * source (strings, regular expressions, identifiers; in comments it does not matter).
 */
function asciiOnly(source: string): string {
  return source.replace(/[^\x00-\x7f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function agentSource(): string {
  if (cachedSource) return cachedSource;
  for (const p of [path.join(__dirname, 'agent.js'), path.resolve(__dirname, '..', '..', 'dist', 'agent.js')]) {
    if (existsSync(p)) return (cachedSource = asciiOnly(readFileSync(p, 'utf8')));
  }
  throw new UserError('cannot find the agent bundle dist/agent.js (run npm run build)');
}

/**
 * In the target, `this` = Node's timerListMap (or undefined): collects every armed Timeout and starts
 * the agent with them, so that timers made before attach are tracked too.
 */
const START = `function (opts, global) {
  var out = [];
  var lists = this && typeof this === 'object' ? this : null;
  if (lists) for (var k of Object.keys(lists)) {
    var list = lists[k], t = list && list._idleNext, n = 0;
    while (t && t !== list && n++ < 1e6) { out.push(t); t = t._idleNext; }
  }
  var a = globalThis[global];
  if (!a) throw new Error('agent missing');
  return a.start(lists ? out : undefined, opts, lists || undefined);
}`;

/** How long a thread that has just started may take to finish Node's bootstrap. */
const BOOTSTRAP_WAIT_MS = 5000;

/**
 * True once Node's bootstrap of the thread has finished: before that (a worker just started, a program
 * that has not run its first line) even creating a timer throws inside Node and can leave the thread
 * broken. `debuglog(...).enabled` throws until the bootstrap has set up NODE_DEBUG, and has no effect.
 */
const BOOTSTRAPPED = `(() => { try {
  const p = globalThis.process;
  const util = p && typeof p.getBuiltinModule === 'function' ? p.getBuiltinModule('util') : require('util');
  return util.debuglog('timerscope').enabled !== undefined;
} catch (e) { return false; } })()`;

/** Waits until the thread has finished Node's bootstrap (call before anything else touches it). */
export async function waitForBootstrap(session: CdpSession): Promise<void> {
  const deadline = Date.now() + BOOTSTRAP_WAIT_MS;
  for (;;) {
    const ready = await session.send('Runtime.evaluate', { expression: BOOTSTRAPPED, includeCommandLineAPI: true, silent: true, returnByValue: true });
    if (ready.result?.value === true) return;
    // (Node < 20.16 has no getBuiltinModule; in some worker threads of Node 18 the inspector gives no `require` either.)
    if (Date.now() > deadline) throw new UserError('the thread did not finish starting within 5 s, or Node gives no way to load its built-ins there');
    await new Promise(r => setTimeout(r, 50));
  }
}

async function evaluateAgent(session: CdpSession) {
  await waitForBootstrap(session);
  // includeCommandLineAPI gives the agent `require` in ESM-only programs on Node < 20.16 (no getBuiltinModule).
  return session.send('Runtime.evaluate', { expression: agentSource(), includeCommandLineAPI: true, silent: true, returnByValue: true });
}

export type AgentThread = {
  hello: AgentHello;
  /** Timers that existed before attach could not be found (their fires are not measured). */
  adoptionFailed: boolean;
  /** Removes the agent and the binding; resolves with how many timers got their own properties back. */
  stop(): Promise<number>;
};

export type InjectOptions = {
  agent?: Partial<Omit<AgentStartOptions, 'binding'>>;
  onBatch(batch: AgentBatch): void;
  /** The agent's last batch said goodbye, or the session failed. */
  onGone(reason: string): void;
};

/** Injects and starts the agent in the thread behind `session`. */
export async function injectAgent(session: CdpSession, opts: InjectOptions): Promise<AgentThread> {
  const binding = `${AGENT_BINDING}_${randomBytes(4).toString('hex')}`;
  let gone = false;
  const offBinding = session.on('Runtime.bindingCalled', (e: { name: string; payload: string }) => {
    if (e.name !== binding) return;
    let batch: AgentBatch;
    try {
      batch = JSON.parse(e.payload) as AgentBatch;
    } catch {
      return;
    }
    opts.onBatch(batch);
    if (batch.bye && !gone) {
      gone = true;
      opts.onGone(batch.bye);
    }
  });
  const cleanupBinding = async () => {
    offBinding();
    await session.send('Runtime.removeBinding', { name: binding }).catch(() => undefined);
  };
  try {
    await session.send('Runtime.addBinding', { name: binding });
    const ev = await evaluateAgent(session);
    if (ev.exceptionDetails) throw new UserError(`cannot inject the agent: ${ev.exceptionDetails.exception?.description?.split('\n')[0] ?? ev.exceptionDetails.text}`);
    const version = await session.send('Runtime.evaluate', { expression: `globalThis.${AGENT_GLOBAL} && globalThis.${AGENT_GLOBAL}.protocol`, returnByValue: true, silent: true });
    if (version.result?.value !== AGENT_PROTOCOL_VERSION) {
      throw new UserError(`the target runs a Timerscope agent of protocol ${version.result?.value}, this host speaks ${AGENT_PROTOCOL_VERSION}`);
    }
    const lists = await findTimerLists(session.client, GROUP).catch(() => ({ timerListMap: undefined }));
    const startArgs = [{ value: { ...opts.agent, binding } }, { value: AGENT_GLOBAL }];
    const r = lists.timerListMap
      ? await session.send('Runtime.callFunctionOn', { objectId: lists.timerListMap, functionDeclaration: START, arguments: startArgs, returnByValue: true, silent: true })
      : await session.send('Runtime.evaluate', {
          expression: `(${START}).call(null, ${JSON.stringify({ ...opts.agent, binding })}, ${JSON.stringify(AGENT_GLOBAL)})`,
          returnByValue: true,
          silent: true,
        });
    if (r.exceptionDetails) throw new UserError(`cannot start the agent: ${r.exceptionDetails.exception?.description?.split('\n')[0] ?? r.exceptionDetails.text}`);
    const hello = r.result.value as AgentHello;
    if (hello.protocol !== AGENT_PROTOCOL_VERSION) throw new UserError(`agent handshake failed (protocol ${hello.protocol})`);
    await session.send('Runtime.releaseObjectGroup', { objectGroup: GROUP }).catch(() => undefined);

    const ping = setInterval(() => {
      void session
        .send('Runtime.evaluate', { expression: `(a => a ? (a.ping(${JSON.stringify(binding)}), 1) : 0)(globalThis.${AGENT_GLOBAL})`, returnByValue: true, silent: true })
        .then(p => {
          if (p.result?.value === 0 && !gone) {
            gone = true;
            opts.onGone('agent removed');
          }
        })
        .catch(() => undefined);
    }, PING_MS);
    ping.unref();
    void session.closed.then(() => {
      clearInterval(ping);
      if (!gone) {
        gone = true;
        opts.onGone('thread exited');
      }
    });
    return {
      hello,
      adoptionFailed: !lists.timerListMap,
      async stop() {
        clearInterval(ping);
        let restored = 0;
        const s = await session
          .send('Runtime.evaluate', {
            expression: `(a => { try { delete globalThis[${JSON.stringify(binding)}]; } catch (e) {} return a ? a.stop(undefined, 'detached', ${JSON.stringify(binding)}) : 0; })(globalThis.${AGENT_GLOBAL})`,
            returnByValue: true,
            silent: true,
          })
          .catch(() => undefined);
        if (typeof s?.result?.value === 'number') restored = s.result.value;
        await cleanupBinding();
        return restored;
      },
    };
  } catch (err) {
    await session
      .send('Runtime.evaluate', { expression: `(a => { try { delete globalThis[${JSON.stringify(binding)}]; } catch (e) {} if (a) a.stop(undefined, 'failed', ${JSON.stringify(binding)}); })(globalThis.${AGENT_GLOBAL})`, silent: true })
      .catch(() => undefined);
    await cleanupBinding();
    throw err;
  }
}
