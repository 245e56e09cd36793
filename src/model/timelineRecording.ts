import { RECORDING_SCHEMA, type Recording } from '../shared/recording';

/**
 * Parses and sanity-checks a `timerscope.recording/v1` document. Throws an Error with a one-line reason (the
 * CLI turns it into a UserError). Missing optional arrays are filled in so older or partial files still load.
 */
export function parseRecording(text: string): Recording {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${(err as Error).message})`);
  }
  if (typeof doc !== 'object' || doc === null) throw new Error('not a JSON object');
  const r = doc as Partial<Recording> & { schema?: unknown };
  if (r.schema !== RECORDING_SCHEMA) {
    throw new Error(`schema is ${JSON.stringify(r.schema)}, expected "${RECORDING_SCHEMA}" (record one with 'timerscope record')`);
  }
  for (const key of ['sites', 'timers', 'fires'] as const) {
    if (!Array.isArray(r[key])) throw new Error(`'${key}' is missing or not an array`);
  }
  return {
    schema: RECORDING_SCHEMA,
    process: r.process ?? { pid: 0, nodeVersion: '', argv: [] },
    t0: r.t0 ?? 0,
    durationMs: r.durationMs ?? r.fires!.reduce((m, f) => Math.max(m, f.startMs + f.durationMs), 0),
    threads: r.threads ?? [{ threadId: 0, name: 'main' }],
    sites: r.sites!,
    timers: r.timers!,
    fires: r.fires!,
    marks: r.marks ?? [],
    gc: r.gc ?? [],
    counters: r.counters ?? [],
    loopDelay: r.loopDelay ?? [],
    findings: r.findings ?? [],
    dropped: r.dropped ?? 0,
  };
}
