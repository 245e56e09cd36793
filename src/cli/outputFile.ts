/**
 * Output files of the CLI (`--out`, `--html`, `-o`): a path that cannot be written is the user's to fix, so it
 * is one line, never an internal error with a stack.
 */
import { accessSync, constants, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../common/errors';

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code === 'ENOENT' ? 'its folder does not exist' : e.code ?? String(err);
}

/** Fails early (before a long recording) when `file` could not be written: its folder is missing or read-only. */
export function checkWritable(file: string): void {
  try {
    accessSync(path.dirname(path.resolve(file)), constants.W_OK);
  } catch (err) {
    throw new UserError(`cannot write '${file}': ${describe(err)}`);
  }
}

/** Writes `data` to `file`, or throws a one-line {@link UserError}. */
export function writeOutputFile(file: string, data: string): void {
  try {
    writeFileSync(file, data);
  } catch (err) {
    throw new UserError(`cannot write '${file}': ${describe(err)}`);
  }
}
