/**
 * `timerscope` command-line entry: dispatches to one module per subcommand.
 * Each command returns its exit code; errors meant for the user are {@link UserError}s and print as one line.
 */
import { UserError } from '../common/errors';
import * as diff from './commands/diff';
import * as exportCmd from './commands/export';
import * as record from './commands/record';
import * as snapshot from './commands/snapshot';
import * as view from './commands/view';
import * as watch from './commands/watch';

type Command = { summary: string; run(argv: string[]): Promise<number> };

// chrome-remote-interface calls url.parse(), which Node 24 deprecates (DEP0169): a warning about our own
// dependency would only confuse the user, and it must not land between report lines.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] ? (rest[0] as { code?: string }).code : rest[1];
  if (code !== 'DEP0169') emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

const commands: Record<string, Command> = {
  snapshot,
  diff,
  watch,
  record,
  view,
  export: exportCmd,
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return [
    'usage: timerscope <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    "Run 'timerscope <command> --help' for a command's options.",
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    console.log(TIMERSCOPE_VERSION);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`timerscope: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UserError) {
      console.error(`timerscope: ${err.message}`);
      process.exitCode = err.exitCode;
    } else {
      console.error('timerscope: internal error:', err);
      process.exitCode = 70;
    }
  },
);
