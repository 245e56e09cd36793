/** `timerscope record` (not implemented yet). */
export const summary = '(record: not implemented yet)';

export async function run(_argv: string[]): Promise<number> {
  console.error('timerscope record: not implemented yet');
  return 2;
}
