/** A tiny typed event emitter without `vscode` (the model and live session are used by the CLI too). */
export type Disposable = { dispose(): void };
export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> {
  private listeners: ((e: T) => void)[] = [];

  readonly event: Event<T> = listener => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter(l => l !== listener)) };
  };

  fire(e: T): void {
    for (const l of this.listeners.slice()) {
      try {
        l(e);
      } catch (err) {
        // A failing listener must not stop the others (or the session).
        console.error('timerscope: listener failed:', err);
      }
    }
  }

  dispose(): void {
    this.listeners = [];
  }
}
