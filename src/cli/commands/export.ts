/** `timerscope export` (not implemented yet). */
export const summary = '(export: not implemented yet)';

export async function run(_argv: string[]): Promise<number> {
  console.error('timerscope export: not implemented yet');
  return 2;
}
