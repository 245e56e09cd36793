/** `timerscope diff A.json B.json`: sites that appeared, vanished, grew or shrank between two snapshots. */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UserError } from '../../common/errors';
import { checkSnapshot, diffSnapshots, formatDiff } from '../../model/snapshotDiff';

export const summary = 'compare two snapshots: sites that appeared, vanished, grew or shrank';

const help = `usage: timerscope diff BEFORE.json AFTER.json [--json]

Compares two timerscope.snapshot/v1 documents (from 'timerscope snapshot --json') site by site.`;

async function load(file: string) {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return checkSnapshot(JSON.parse(text), file);
  } catch (err) {
    throw new UserError(err instanceof SyntaxError ? `${file} is not JSON: ${err.message}` : (err as Error).message);
  }
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (err) {
    throw new UserError(`${(err as Error).message} (see --help)`, 2);
  }
  if (parsed.values.help) {
    console.log(help);
    return 0;
  }
  if (parsed.positionals.length !== 2) throw new UserError('diff needs two snapshot files: timerscope diff BEFORE.json AFTER.json', 2);
  const [a, b] = await Promise.all(parsed.positionals.map(load));
  const entries = diffSnapshots(a, b);
  console.log(parsed.values.json ? JSON.stringify({ schema: 'timerscope.diff/v1', changes: entries }, null, 2) : formatDiff(entries));
  return 0;
}
