/** `timerscope snapshot` (not implemented yet). */
export const summary = '(snapshot: not implemented yet)';

export async function run(_argv: string[]): Promise<number> {
  console.error('timerscope snapshot: not implemented yet');
  return 2;
}
