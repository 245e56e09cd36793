/** `timerscope watch` (not implemented yet). */
export const summary = '(watch: not implemented yet)';

export async function run(_argv: string[]): Promise<number> {
  console.error('timerscope watch: not implemented yet');
  return 2;
}
