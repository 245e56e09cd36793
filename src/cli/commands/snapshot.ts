/** `timerscope snapshot`: every live timer and handle of a running Node.js process, once. */
import { checkWritable, writeOutputFile } from '../outputFile';
import { UserError } from '../../common/errors';
import { openTarget } from '../../inspector/connect';
import { fileScriptUrlCache } from '../../inspector/scriptUrlCache';
import { takeSnapshot } from '../../inspector/snapshot';
import { formatSnapshot } from '../../model/snapshotReport';
import { connectionHelp, parseConnectionArgs } from '../connectionArgs';

export const summary = 'list every live timer and handle of a Node.js process, with TypeScript locations';

const help = `usage: timerscope snapshot [connection] [--json] [--out FILE] [--query-objects]

Lists the live timers (setTimeout, setInterval, setImmediate) and other active handles of a running
Node.js process, grouped by the line that created them, most suspicious first. Nothing is injected: the
timers are read from Node's own timer lists.

${connectionHelp}

output:
  --json              print the timerscope.snapshot/v1 JSON document instead of the report
  --out FILE          also write the JSON document to FILE
  --query-objects     if Node's timer lists cannot be reached, fall back to Runtime.queryObjects
                      (pauses the target for full garbage collections: ~1 s per 50 MB of heap)

examples:
  timerscope snapshot --port 9229
  timerscope snapshot --pid 4242 --json > before.json
  timerscope snapshot --launch --after 2000 -- node dist/server.js`;

export async function run(argv: string[]): Promise<number> {
  const args = parseConnectionArgs(argv, {
    json: { type: 'boolean' },
    out: { type: 'string' },
    'query-objects': { type: 'boolean' },
  });
  if (args.values.help) {
    console.log(help);
    return 0;
  }
  if (typeof args.values.out === 'string') checkWritable(args.values.out);
  if (args.connect.launch) args.connect.launch.keep = args.keep;
  const conn = await openTarget(args.connect);
  try {
    if (conn.child && args.afterMs > 0) {
      // The user asked the program to run this long first; stop early if it exits.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise(r => (timer = setTimeout(r, args.afterMs))), conn.closed]);
      clearTimeout(timer);
      if (conn.isClosed()) throw new UserError(`the program exited before the snapshot (--after ${args.afterMs} ms); snapshot it sooner with a smaller --after`);
    }
    const snap = await takeSnapshot(conn, {
      allowQueryObjects: Boolean(args.values['query-objects']),
      // A later snapshot of the same process skips the Debugger domain (and its heap-sized stall).
      scriptCache: fileScriptUrlCache(),
      onWarning: m => console.error(`timerscope: warning: ${m}`),
    });
    const json = JSON.stringify(snap, null, 2);
    if (typeof args.values.out === 'string') writeOutputFile(args.values.out, json + '\n');
    console.log(args.values.json ? json : formatSnapshot(snap));
    return 0;
  } finally {
    await conn.close({ killChild: !args.keep });
  }
}
