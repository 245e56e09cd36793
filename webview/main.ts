/**
 * Timeline webview entry (bundled to dist/webview/timeline.js, styles to timeline.css). The same bundle runs
 * in a VS Code webview, on `timerscope view`'s page and inside the self-contained HTML report.
 */
import './styles.css';
import { TimelineApp } from './app';
import { connectHost } from './bridge';
import { createChrome } from './chrome';
import { attachInput, togglePause } from './input';
import { installTestHook } from './testHook';

function boot(): void {
  const root = document.getElementById('timerscope-root') ?? document.body.appendChild(document.createElement('div'));
  let app: TimelineApp | undefined;
  const queued: Parameters<TimelineApp['onMessage']>[0][] = [];
  const host = connectHost(m => (app ? app.onMessage(m) : queued.push(m)));
  const chrome = createChrome(root, {
    onFilter: f => app?.setFilter(f),
    onFollow: () => {
      if (!app) return;
      app.follow = !app.follow;
      if (app.follow) app.pausedAt = null;
      app.invalidate();
    },
    onPause: () => app && togglePause(app),
    onFit: () => app?.fit(),
    onExpandAll: open => {
      if (!app) return;
      for (const l of app.lanes) if (l.kind === 'site') app.toggleExpand(l.siteId!, open);
    },
    onClearSelection: () => app?.setSelection(null),
  });
  app = new TimelineApp(host, chrome);
  attachInput(app);
  installTestHook(app);
  window.addEventListener('error', e => app?.post({ type: 'error', message: String(e.message) }));
  for (const m of queued) app.onMessage(m);
  app.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
else boot();
