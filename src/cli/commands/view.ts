/** `timerscope view` (not implemented yet). */
export const summary = '(view: not implemented yet)';

export async function run(_argv: string[]): Promise<number> {
  console.error('timerscope view: not implemented yet');
  return 2;
}
