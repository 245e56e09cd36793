/**
 * Live mode, host side and free of `vscode`: injects the agent into the main thread and every worker
 * thread, resolves their call sites, feeds the {@link LiveModel} and exposes the numbers as events, a
 * `timerscope.watch/v1` report and a `timerscope.recording/v1` recording (with deltas for live timelines).
 *
 * While watching no CDP domain is enabled on the target except `NodeWorker` (to see worker threads);
 * the Debugger domain is switched on for a moment only when a new script's URL is needed.
 *
 * ```ts
 * const conn = await openTarget({ port: 9229 });
 * const live = await startLiveSession(conn);
 * live.onDidUpdate(() => render(live.report()));
 * live.onDelta(d => timeline.pushDelta(d));     // or hub.startSession(live.recording(), …) first
 * …
 * await live.stop();                             // the target is as before: no agent, no wrapper left
 * ```
 */
import * as path from 'node:path';
import { computeFindings } from '../model/liveFindings';
import { LiveModel } from '../model/liveModel';
import { DEFAULT_LIVE_THRESHOLDS, type LiveThresholds } from '../model/liveSettings';
import { Emitter, type Event } from '../model/emitter';
import { buildRecording, buildWatchReport } from '../model/watchReport';
import type { AgentBatch, AgentStartOptions } from '../shared/agentProtocol';
import type { Finding, WatchReport } from '../shared/findings';
import type { Recording, RecordingDelta } from '../shared/recording';
import { injectAgent, waitForBootstrap, type AgentThread } from './agentHost';
import { mainThreadSession, watchWorkers, type CdpSession, type WorkerSession } from './cdpSession';
import { explainSessionError, type TargetConnection } from './connect';
import { LiveSiteResolver } from './liveSites';
import { isJsDebugProxy } from './scriptCatalog';
import { resolverFor } from './snapshot';
import { SourceResolver } from './sourceResolver';

export type LiveSessionOptions = {
  /** Finding thresholds (defaults: {@link DEFAULT_LIVE_THRESHOLDS}). */
  thresholds?: Partial<LiveThresholds>;
  /** Agent tuning (flush period, buffer sizes…). */
  agent?: Partial<Omit<AgentStartOptions, 'binding'>>;
  /**
   * Also watch worker threads (default: true, except through js-debug's CDP proxy, where the NodeWorker
   * domain belongs to the debugger's own session).
   */
  workers?: boolean;
  /** Told about degraded measurements (e.g. timers from before attach cannot be found). */
  onWarning?: (message: string) => void;
  /**
   * Script URLs of the main thread already learnt by the caller (who holds the Debugger domain on right
   * now): the session must not switch the Debugger on and off for them.
   */
  knownScripts?: Set<string>;
};

/** Fired after every applied batch and every second: what changed, as a timeline delta. */
export type LiveUpdate = { delta: RecordingDelta; nowMs: number };

export type LiveSession = {
  /** The process behind the main thread. */
  readonly process: Recording['process'] & { cwd: string };
  readonly model: LiveModel;
  readonly onDidUpdate: Event<LiveUpdate>;
  /** Same deltas as `onDidUpdate`, for `TimelineHub.pushDelta`. */
  readonly onDelta: Event<RecordingDelta>;
  /** The session ended by itself (target exited, agent lost); `stop()` is still safe to call. */
  readonly onDidEnd: Event<{ reason: string }>;
  readonly ended: boolean;
  /** Current findings with the session's thresholds. */
  findings(): Finding[];
  /** The `timerscope.watch/v1` report of everything seen so far. */
  report(): WatchReport;
  /** The recording so far (the timeline's input; later changes arrive as deltas). */
  recording(): Recording;
  /** Alias of {@link recording}, the name the timeline wiring uses. */
  snapshotRecording(): Recording;
  /** Removes the agent from every thread (restoring every timer) and stops listening; idempotent. */
  stop(): Promise<{ restored: number }>;
};

type Thread = { session: CdpSession; agent?: AgentThread; sites: LiveSiteResolver; queue: Promise<void>; threadId?: number };

const TICK_MS = 1000;

/** Starts live mode on a connected target. The connection stays the caller's to close. */
export async function startLiveSession(
  conn: Pick<TargetConnection, 'client' | 'closed'> & Partial<TargetConnection>,
  opts: LiveSessionOptions = {},
): Promise<LiveSession> {
  const thresholds = { ...DEFAULT_LIVE_THRESHOLDS, ...opts.thresholds };
  const updates = new Emitter<LiveUpdate>();
  const deltas = new Emitter<RecordingDelta>();
  const endEmitter = new Emitter<{ reason: string }>();
  const threads = new Set<Thread>();
  let ended = false;
  let stopped = false;
  let model!: LiveModel;
  let tick: NodeJS.Timeout | undefined;
  const startedAt = Date.now();

  const emit = (delta: RecordingDelta) => {
    delta.nowMs ??= model.nowMs;
    updates.fire({ delta, nowMs: model.nowMs });
    deltas.fire(delta);
  };

  const handleBatch = async (th: Thread, b: AgentBatch) => {
    if (th.threadId === undefined) return;
    const delta: RecordingDelta = {};
    if (b.sites?.length) model.addSites(th.threadId, await th.sites.resolve(b.sites).catch(() => []), delta);
    model.applyBatch(th.threadId, b, delta);
    emit(delta);
  };

  /** Injects into one thread; batches wait in the thread's queue until its hello is known. */
  const attach = async (session: CdpSession, resolver: SourceResolver, name: (threadId: number) => string) => {
    let ready!: () => void;
    const th: Thread = { session, sites: new LiveSiteResolver(session.client, resolver), queue: new Promise<void>(r => (ready = r)) };
    threads.add(th);
    try {
      await waitForBootstrap(session);
      if (session.label === 'main' && opts.knownScripts) th.sites.seed(opts.knownScripts);
      else await th.sites.prime();
      th.agent = await injectAgent(session, {
        agent: opts.agent,
        onBatch: b =>
          (th.queue = th.queue
            .then(() => handleBatch(th, b))
            .catch(err => {
              if (process.env.TIMERSCOPE_DEBUG) console.error('timerscope: batch failed:', err);
            })),
        onGone: reason => {
          if (th.threadId !== undefined) model?.endThread(th.threadId);
          if (session.label === 'main') end(reason === 'thread exited' ? 'the target exited' : `agent stopped: ${reason}`);
        },
      });
    } catch (err) {
      threads.delete(th);
      th.sites.dispose();
      throw err;
    }
    const hello = th.agent.hello;
    th.threadId = hello.threadId;
    resolver.cwd ??= hello.cwd;
    if (!model) model = new LiveModel(hello.timeOrigin + hello.now);
    model.addThread(hello.threadId, name(hello.threadId), hello.timeOrigin);
    if (th.agent.adoptionFailed) opts.onWarning?.(`${name(hello.threadId)}: Node's timer lists are unreachable; timers created before attach are not measured`);
    ready();
    return th;
  };

  const end = (reason: string) => {
    if (ended) return;
    ended = true;
    clearInterval(tick);
    endEmitter.fire({ reason });
  };

  let main: Thread;
  try {
    const mainSession = mainThreadSession(conn.client, conn.closed);
    const pre = await conn.client.Runtime.evaluate({ expression: 'process.cwd()', returnByValue: true, silent: true });
    main = await attach(mainSession, resolverFor(conn.client, String(pre.result?.value ?? '')), () => 'main');
  } catch (err) {
    throw explainSessionError(err, conn as TargetConnection, 'agent injection');
  }
  const hello = main.agent!.hello;
  const proc = { pid: hello.pid, nodeVersion: hello.nodeVersion, argv: hello.argv, cwd: hello.cwd };

  const proxied = isJsDebugProxy(conn.client);
  if (proxied && opts.workers === undefined) opts.onWarning?.("worker threads are not watched through js-debug's CDP proxy");
  const workers =
    opts.workers === false || (proxied && opts.workers === undefined)
      ? undefined
      : await watchWorkers(
          conn.client,
          async (s: WorkerSession) => {
            if (stopped) return;
            try {
              const th = await attach(s, new SourceResolver(s.client, hello.cwd), id => `worker ${id} ${path.basename(s.workerUrl)}`);
              s.label = `worker ${th.threadId}`;
              // stop() ran while this worker was being attached: take the agent out again at once.
              if (stopped) await th.agent?.stop().catch(() => 0);
            } catch (err) {
              // A worker that exits while we attach is normal; anything else is worth a warning.
              if (!/exited|closed/.test((err as Error).message)) opts.onWarning?.(`worker ${s.workerUrl} is not watched: ${(err as Error).message}`);
            }
          },
          s => {
            for (const th of threads) if (th.session === s) {
              threads.delete(th);
              th.sites.dispose();
              if (th.threadId !== undefined) model.endThread(th.threadId);
            }
          },
        ).catch(err => {
          opts.onWarning?.(`worker threads are not watched: ${(err as Error).message}`);
          return undefined;
        });

  tick = setInterval(() => {
    const delta: RecordingDelta = {};
    model.tick(delta);
    delta.findings = computeFindings(model, thresholds);
    emit(delta);
  }, TICK_MS);
  tick.unref();
  void conn.closed.then(() => end('the target exited'));

  const findings = () => computeFindings(model, thresholds);
  // Recording times are ms since attach on the target's clock: its length is the model's clock.
  const recording = () => buildRecording(model, findings(), { pid: proc.pid, nodeVersion: proc.nodeVersion, argv: proc.argv }, model.nowMs);
  let stopping: Promise<{ restored: number }> | undefined;
  return {
    process: proc,
    model,
    onDidUpdate: updates.event,
    onDelta: deltas.event,
    onDidEnd: endEmitter.event,
    get ended() {
      return ended;
    },
    findings,
    report: () => buildWatchReport(model, findings(), { pid: proc.pid, nodeVersion: proc.nodeVersion, argv: proc.argv }, Date.now() - startedAt),
    recording,
    snapshotRecording: recording,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(tick);
        let restored = 0;
        // Workers first: their sessions go through the main connection's NodeWorker domain.
        const all = [...threads].sort((a, b) => (a === main ? 1 : 0) - (b === main ? 1 : 0));
        for (const th of all) restored += await (th.agent?.stop() ?? Promise.resolve(0)).catch(() => 0);
        await Promise.all(all.map(th => th.queue));
        for (const th of all) th.sites.dispose();
        // A last sample, so that the final report's trends include the agent's last batch.
        if (!ended) model.tick({});
        await workers?.stop().catch(() => undefined);
        end('stopped');
        return { restored };
      })();
      return stopping;
    },
  };
}
