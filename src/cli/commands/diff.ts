/** `timerscope diff` (not implemented yet). */
export const summary = '(diff: not implemented yet)';

export async function run(_argv: string[]): Promise<number> {
  console.error('timerscope diff: not implemented yet');
  return 2;
}
