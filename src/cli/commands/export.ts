/** `timerscope export --format perfetto run.timerscope.json -o trace.json`: Chrome trace-event JSON. */
import { readFileSync } from 'node:fs';
import { writeOutputFile } from '../outputFile';
import { UserError } from '../../common/errors';
import { parseRecording } from '../../model/timelineRecording';
import { toTraceEvents } from '../../model/timelinePerfetto';

export const summary = 'convert a recording to Perfetto / chrome://tracing JSON (one track per timer)';

const HELP = `usage: timerscope export --format perfetto <run.timerscope.json> [-o trace.json]

Writes Chrome trace-event JSON that ui.perfetto.dev and chrome://tracing open: one process per call site,
one track per timer, every fire a slice with lateness and duration as args. Without -o, prints to stdout.`;

export async function run(argv: string[]): Promise<number> {
  let format = '';
  let out: string | undefined;
  let input: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      console.log(HELP);
      return 0;
    } else if (a === '--format' || a === '-f') format = argv[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a === '-o' || a === '--out') out = argv[++i];
    else if (a.startsWith('--out=')) out = a.slice('--out='.length);
    else if (a.startsWith('-')) throw new UserError(`export: unknown option '${a}' (see 'timerscope export --help')`, 2);
    else if (input === undefined) input = a;
    else throw new UserError(`export: one recording at a time (got '${input}' and '${a}')`, 2);
  }
  if (format !== 'perfetto') {
    throw new UserError(`export: --format ${format ? `'${format}' is not supported` : 'is required'}; use --format perfetto`, 2);
  }
  if (!input) throw new UserError("export: which recording? e.g. 'timerscope export --format perfetto run.timerscope.json -o trace.json'", 2);
  if (out === '') throw new UserError('export: -o needs a file name', 2);
  let text: string;
  try {
    text = readFileSync(input, 'utf8');
  } catch (err) {
    throw new UserError(`export: cannot read '${input}': ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let trace;
  try {
    trace = toTraceEvents(parseRecording(text));
  } catch (err) {
    throw new UserError(`export: '${input}' is not a Timerscope recording: ${(err as Error).message}`);
  }
  const json = JSON.stringify(trace);
  if (out) {
    writeOutputFile(out, json);
    console.error(`wrote ${trace.traceEvents.length} trace events to ${out} (open in ui.perfetto.dev or chrome://tracing)`);
  } else process.stdout.write(json + '\n');
  return 0;
}
