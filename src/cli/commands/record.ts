/** `timerscope record`: a live session written as a timerscope.recording/v1 file for `view` and `export`. */
import { checkWritable, writeOutputFile } from '../outputFile';
import { UserError } from '../../common/errors';
import { connectionHelp, parseConnectionArgs } from '../connectionArgs';
import { liveOptions, runLiveSession } from './watch';

export const summary = 'record every timer of a Node.js process for the timeline (timerscope view / export)';

const help = `usage: timerscope record [connection] [--duration 20s] [--out run.timerscope.json]

Watches the process like 'timerscope watch' (a removable agent in every thread) and writes everything it
saw (call sites, timers, every fire with lateness and callback time, GC pauses, event-loop delay, live
counts, findings) as a recording that 'timerscope view' and 'timerscope export --format perfetto' open.
Recording ends after --duration, on Ctrl-C, or when the program exits.

${connectionHelp}

options:
  --duration D        how long to record (500ms, 20s, 2m), counted from when recording starts; default:
                      until Ctrl-C or the program exits
  --after MS          with --launch: skip the program's start-up, i.e. let it run MS ms (or 2s…) unobserved,
                      then start recording (timers alive then are adopted). Default: record from its first
                      line. Rejected without --launch (that process is already running).
  --out FILE          where to write the recording (default run.timerscope.json)
  --threshold K=V     finding thresholds, as for 'timerscope watch'

examples:
  timerscope record --launch --duration 20s --out run.timerscope.json -- node server.js
  timerscope record --port 9229 --duration 1m && timerscope view run.timerscope.json`;

export async function run(argv: string[]): Promise<number> {
  const args = parseConnectionArgs(argv, { ...liveOptions, out: { type: 'string', short: 'o' } }, 0);
  if (args.values.help) {
    console.log(help);
    return 0;
  }
  const out = (args.values.out as string | undefined) ?? 'run.timerscope.json';
  if (!out) throw new UserError('--out needs a file name', 2);
  checkWritable(out);
  const live = await runLiveSession(args, session => {
    console.error(`recording pid ${session.process.pid} (node ${session.process.nodeVersion})${args.values.duration ? ` for ${args.values.duration}` : '; Ctrl-C to stop'}`);
    return () => undefined;
  });
  try {
    const rec = live.session.recording();
    writeOutputFile(out, JSON.stringify(rec));
    console.error(
      `recorded ${(rec.durationMs / 1000).toFixed(1)} s (${live.endedBy}): ${rec.sites.length} call sites, ${rec.timers.length} timers, ` +
        `${rec.fires.length} fires, ${rec.findings.length} findings${rec.dropped ? `, ${rec.dropped} records dropped` : ''} → ${out}\n` +
        `open it with: timerscope view ${out}   or: timerscope export --format perfetto ${out} -o trace.json`,
    );
    return 0;
  } finally {
    await live.finish();
  }
}
