/**
 * Pure: a record of every code-lens invalidation the extension causes (its own provider's change event,
 * or a live-numbers notification that makes the language server send `workspace/codeLens/refresh`).
 * VS Code cancels the lens request in flight on each one, so their rate decides whether lenses show at all
 * on a loaded machine; the test API exposes the record and the output channel logs it at debug level.
 */
export type LensRefreshSource = 'extension' | 'language-server';
export type LensRefresh = { source: LensRefreshSource; at: number };

export class LensRefreshLog {
  private readonly entries: LensRefresh[] = [];

  constructor(
    private readonly onRecord: (r: LensRefresh) => void = () => undefined,
    private readonly keep = 500,
  ) {}

  record(source: LensRefreshSource): void {
    const r = { source, at: Date.now() };
    this.entries.push(r);
    if (this.entries.length > this.keep) this.entries.shift();
    this.onRecord(r);
  }

  list(): LensRefresh[] {
    return [...this.entries];
  }
}

/** Lens refreshes at most this often from each source (VS Code's lens debounce is ≥ 250 ms and adaptive). */
export const LENS_REFRESH_MS = 1500;
