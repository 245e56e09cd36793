/**
 * Canvas colours, read from CSS custom properties (`--ts-*` in styles.css, which map to `--vscode-*` theme
 * variables with standalone fallbacks). Re-read when VS Code switches theme (it changes the body class).
 */
export type Theme = {
  bg: string; fg: string; muted: string; border: string; grid: string; laneAlt: string;
  /** Callback colours by duration bucket: <1 ms, <5 ms, <16 ms, <50 ms, ≥50 ms. */
  duration: [string, string, string, string, string];
  gc: string; error: string; warning: string; create: string; clear: string; selection: string; accent: string;
  counter: string; font: string;
};

/** Duration bucket bounds matching {@link Theme.duration}. */
export const DURATION_BOUNDS = [1, 5, 16, 50] as const;

/** Index into {@link Theme.duration} for a callback of `ms`. */
export function durationBucket(ms: number): number {
  if (ms < 1) return 0;
  if (ms < 5) return 1;
  if (ms < 16) return 2;
  if (ms < 50) return 3;
  return 4;
}

export function readTheme(el: Element = document.documentElement): Theme {
  const cs = getComputedStyle(el);
  const v = (name: string, fallback: string): string => cs.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--ts-bg', '#1e1e1e'),
    fg: v('--ts-fg', '#cccccc'),
    muted: v('--ts-muted', '#9d9d9d'),
    border: v('--ts-border', '#3c3c3c'),
    grid: v('--ts-grid', 'rgba(128,128,128,0.18)'),
    laneAlt: v('--ts-lane-alt', 'rgba(128,128,128,0.06)'),
    duration: [
      v('--ts-fast', '#89d185'), v('--ts-ok', '#3794ff'), v('--ts-slow', '#cca700'),
      v('--ts-slower', '#d18616'), v('--ts-slowest', '#f14c4c'),
    ],
    gc: v('--ts-gc', '#b180d7'),
    error: v('--ts-error', '#f14c4c'),
    warning: v('--ts-warning', '#cca700'),
    create: v('--ts-create', '#89d185'),
    clear: v('--ts-clear', '#f14c4c'),
    selection: v('--ts-selection', 'rgba(38,79,120,0.45)'),
    accent: v('--ts-accent', '#007fd4'),
    counter: v('--ts-counter', '#3794ff'),
    font: `${v('--ts-font-size', '12px')} ${v('--ts-font', 'system-ui, sans-serif')}`,
  };
}
