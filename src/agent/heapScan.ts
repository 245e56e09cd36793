/**
 * The agent's last resort at stop(): every Timeout in the heap through an in-process inspector session
 * (`Runtime.queryObjects`, one full GC). Used only when the tracker had to forget ended timers under
 * churn, so that the ones user code still holds get their own properties back anyway.
 */
type Req = (name: string) => any;

/**
 * Finds every object whose prototype is `${agent}.proto` and hands the array to `${agent}.takeHeapScan`
 * (the session's callbacks run synchronously). Does nothing when this Node has no inspector.
 */
export function scanHeapForTimeouts(req: Req, agent: string): void {
  try {
    const s = new (req('inspector').Session)();
    s.connect();
    try {
      const post = (method: string, params: object) => {
        let out: any;
        let failed: unknown;
        s.post(method, params, (err: unknown, r: unknown) => {
          failed = err;
          out = r;
        });
        if (failed) throw failed;
        return out;
      };
      const p = post('Runtime.evaluate', { expression: `${agent}.proto`, objectGroup: 'timerscope' });
      const arr = post('Runtime.queryObjects', { prototypeObjectId: p.result.objectId, objectGroup: 'timerscope' });
      post('Runtime.callFunctionOn', {
        objectId: arr.objects.objectId,
        functionDeclaration: `function () { ${agent}.takeHeapScan(this); }`,
      });
      post('Runtime.releaseObjectGroup', { objectGroup: 'timerscope' });
    } finally {
      s.disconnect();
    }
  } catch {
    /* no inspector: the caller restores what it knows */
  }
}
