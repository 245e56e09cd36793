/**
 * One CDP session to one JavaScript thread: the main thread's chrome-remote-interface client, or a worker
 * thread reached through the `NodeWorker` domain (messages tunnelled with `sendMessageToWorker` /
 * `receivedMessageFromWorker`). The live session talks to every thread through this one small interface.
 */
import type CDP from 'chrome-remote-interface';

export type CdpSession = {
  /** 0 for the main thread, else the worker's `threadId` (learnt from the agent's hello). */
  label: string;
  send<T = any>(method: string, params?: object): Promise<T>;
  /** Subscribes to a CDP event; returns the unsubscribe function. */
  on(event: string, handler: (params: any) => void): () => void;
  /**
   * A chrome-remote-interface-shaped view of this session for code written against `CDP.Client`
   * (SourceResolver, remoteObjects): `send`, `Runtime.*`, `Debugger.*` and event registration.
   */
  readonly client: CDP.Client;
  /** Resolves when the session ends (worker exited, connection closed). */
  readonly closed: Promise<void>;
};

/** A session over the main thread's own client. */
export function mainThreadSession(client: CDP.Client, closed: Promise<void>): CdpSession {
  const emitter = client as unknown as {
    on(e: string, h: (p: any) => void): void;
    removeListener(e: string, h: (p: any) => void): void;
  };
  return {
    label: 'main',
    send: (method, params) => (client.send as unknown as (m: string, p?: object) => Promise<any>)(method, params ?? {}),
    on(event, handler) {
      emitter.on(event, handler);
      return () => emitter.removeListener(event, handler);
    },
    client,
    closed,
  };
}

type Pending = { resolve(v: any): void; reject(e: Error): void };

/** Builds the `CDP.Client`-shaped facade of a session from its `send` and `on`. */
function clientFacade(send: CdpSession['send'], on: CdpSession['on']): CDP.Client {
  const domain = (name: string) =>
    new Proxy(
      {},
      {
        get: (_t, member: string) => (arg?: unknown) =>
          // `Domain.event(handler)` registers a listener; `Domain.method(params)` sends.
          typeof arg === 'function' ? on(`${name}.${member}`, arg as (p: any) => void) : send(`${name}.${member}`, (arg as object) ?? {}),
      },
    );
  return { send, on, Runtime: domain('Runtime'), Debugger: domain('Debugger') } as unknown as CDP.Client;
}

/** A worker thread's session, tunnelled through the main client's `NodeWorker` domain. */
export class WorkerSession implements CdpSession {
  readonly client: CDP.Client;
  readonly closed: Promise<void>;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly handlers = new Map<string, Set<(p: any) => void>>();
  private markClosed!: () => void;
  private isClosed = false;

  constructor(
    private readonly parent: CDP.Client,
    readonly sessionId: string,
    readonly workerUrl: string,
    public label: string,
  ) {
    this.closed = new Promise(r => (this.markClosed = r));
    this.client = clientFacade(this.send.bind(this), this.on.bind(this));
  }

  send<T = any>(method: string, params?: object): Promise<T> {
    if (this.isClosed) return Promise.reject(new Error(`worker ${this.label} session closed`));
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params: params ?? {} });
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const send = this.parent.send as unknown as (m: string, p: object) => Promise<unknown>;
      send.call(this.parent, 'NodeWorker.sendMessageToWorker', { sessionId: this.sessionId, message }).catch((err: Error) => {
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  on(event: string, handler: (p: any) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler);
    return () => set!.delete(handler);
  }

  /** Feeds one message the worker sent (a response or an event). */
  dispatch(text: string): void {
    let msg: { id?: number; result?: unknown; error?: { message: string }; method?: string; params?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof msg.id === 'number') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    } else if (msg.method) {
      for (const h of [...(this.handlers.get(msg.method) ?? [])]) h(msg.params);
    }
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const p of this.pending.values()) p.reject(new Error(`worker ${this.label} exited`));
    this.pending.clear();
    this.markClosed();
  }
}

type WorkerInfo = { workerId: string; type: string; title: string; url: string };

/**
 * Attaches to every worker thread (existing ones and those started later) through the `NodeWorker`
 * domain. Workers are not held at their start (`waitForDebuggerOnStart: false`): before a worker's
 * bootstrap has finished, even creating a timer fails inside Node, so the agent is injected once it runs
 * and the worker's first timers are adopted like any that existed before attach.
 */
export async function watchWorkers(
  client: CDP.Client,
  onAttach: (session: WorkerSession) => Promise<void>,
  onDetach: (session: WorkerSession) => void,
): Promise<{ stop(): Promise<void> }> {
  const sessions = new Map<string, WorkerSession>();
  const em = client as unknown as { on(e: string, h: (p: any) => void): void; removeListener(e: string, h: (p: any) => void): void };
  const attached = (e: { sessionId: string; workerInfo: WorkerInfo; waitingForDebugger: boolean }) => {
    const s = new WorkerSession(client, e.sessionId, e.workerInfo.url, e.workerInfo.title || e.workerInfo.url);
    sessions.set(e.sessionId, s);
    // A worker of a program started with --inspect-brk inherits the flag and waits for us: let it run.
    // (It may not say so: a worker inheriting --inspect-brk waits although waitingForDebugger is false.)
    void s.send('Runtime.runIfWaitingForDebugger').catch(() => undefined);
    // A worker exiting while we attach is normal; anything else is not worth failing the session for.
    void onAttach(s).catch(err => process.env.TIMERSCOPE_DEBUG && console.error('timerscope: worker attach failed:', err));
  };
  const received = (e: { sessionId: string; message: string }) => sessions.get(e.sessionId)?.dispatch(e.message);
  const detached = (e: { sessionId: string }) => {
    const s = sessions.get(e.sessionId);
    if (!s) return;
    sessions.delete(e.sessionId);
    s.close();
    onDetach(s);
  };
  em.on('NodeWorker.attachedToWorker', attached);
  em.on('NodeWorker.receivedMessageFromWorker', received);
  em.on('NodeWorker.detachedFromWorker', detached);
  await client.send('NodeWorker.enable' as never, { waitForDebuggerOnStart: false } as never);
  return {
    async stop() {
      em.removeListener('NodeWorker.attachedToWorker', attached);
      await client.send('NodeWorker.disable' as never).catch(() => undefined);
      em.removeListener('NodeWorker.receivedMessageFromWorker', received);
      em.removeListener('NodeWorker.detachedFromWorker', detached);
      for (const s of sessions.values()) s.close();
      sessions.clear();
    },
  };
}
