import type { Recording } from '../src/shared/recording';
import { DEFAULT_TIMELINE_SLO, type FromWebviewMessage, type ToWebviewMessage } from '../src/shared/webviewProtocol';

/**
 * Where the timeline's data comes from and where its requests go. In VS Code that is `acquireVsCodeApi()`;
 * standalone (`timerscope view`, the HTML report) it is the page itself: the recording is embedded in a
 * non-executable `<script type="application/json">` or served at `data-recording-url`, and "reveal" shows the
 * location on the page (and tells the `timerscope view` server, which prints it).
 */
export type Host = {
  mode: 'vscode' | 'standalone';
  post(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
};

type VsCodeApi = { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

/** Connects to the host; `onMessage` receives every host → webview message. */
export function connectHost(onMessage: (m: ToWebviewMessage) => void): Host {
  const standalone = typeof acquireVsCodeApi !== 'function';
  window.addEventListener('message', (e: MessageEvent) => {
    // Standalone pages accept only messages they post to themselves (the benchmark streams deltas that way).
    if (standalone && e.source !== window) return;
    const m = e.data as ToWebviewMessage | undefined;
    if (m && typeof m === 'object' && typeof m.type === 'string') onMessage(m);
  });
  if (!standalone) {
    const api = acquireVsCodeApi!();
    return { mode: 'vscode', post: m => api.postMessage(m), getState: () => api.getState(), setState: s => api.setState(s) };
  }
  let state: unknown;
  try {
    state = JSON.parse(sessionStorage.getItem('timerscope.timeline') ?? 'null') ?? undefined;
  } catch {
    state = undefined;
  }
  return {
    mode: 'standalone',
    post: m => {
      if (m.type === 'ready') void loadStandalone().then(onMessage, err => showError(String(err)));
      else if (m.type === 'reveal' && location.protocol.startsWith('http')) {
        void fetch('reveal', { method: 'POST', body: JSON.stringify(m) }).catch(() => undefined);
      }
    },
    getState: () => state,
    setState: s => {
      state = s;
      try {
        sessionStorage.setItem('timerscope.timeline', JSON.stringify(s));
      } catch {
        // file:// pages may refuse storage; state then lives as long as the page.
      }
    },
  };
}

async function loadStandalone(): Promise<ToWebviewMessage> {
  const embedded = document.getElementById('timerscope-recording');
  let recording: Recording;
  if (embedded?.textContent) recording = JSON.parse(embedded.textContent) as Recording;
  else {
    const url = document.body.dataset['recordingUrl'] ?? 'recording.json';
    const res = await fetch(url);
    if (!res.ok) throw new Error(`cannot load ${url}: HTTP ${res.status}`);
    recording = (await res.json()) as Recording;
  }
  return {
    type: 'hydrate',
    recording,
    live: false,
    config: { windowMs: null, slo: DEFAULT_TIMELINE_SLO },
    label: document.body.dataset['label'] ?? document.title,
  };
}

function showError(message: string): void {
  const el = document.createElement('div');
  el.className = 'ts-error';
  el.textContent = `Timerscope: ${message}`;
  document.body.prepend(el);
}
