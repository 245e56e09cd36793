import type { FindingRule } from '../src/shared/findings';
import type { RecordedThread } from '../src/shared/recording';
import type { LaneFilter } from '../src/model/timelineLanes';
import { DURATION_BOUNDS } from './theme';

/**
 * The few DOM elements around the canvas: toolbar (filters, follow, pause, fit), tooltip and status lines.
 * A fixed number of elements whatever the data size; events are only ever drawn on the canvas.
 */
export type ChromeHandlers = {
  onFilter(filter: Partial<LaneFilter>): void;
  onFollow(): void;
  onPause(): void;
  onFit(): void;
  onExpandAll(expand: boolean): void;
  onClearSelection(): void;
};

export type Chrome = {
  canvas: HTMLCanvasElement;
  plot: HTMLElement;
  setThreads(threads: RecordedThread[], selected: number | null): void;
  setRules(rules: FindingRule[], selected: LaneFilter['finding']): void;
  setFilterText(text: string): void;
  setModes(live: boolean, follow: boolean, paused: boolean): void;
  showTooltip(lines: string[] | null, x: number, y: number): void;
  setStatus(text: string): void;
  setSelection(lines: string[] | null): void;
  setReveal(text: string | null): void;
};

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, parent: HTMLElement, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

/** Builds the chrome into `root`. */
export function createChrome(root: HTMLElement, h: ChromeHandlers): Chrome {
  root.classList.add('ts-root');
  const bar = el('div', 'ts-toolbar', root);
  const filter = el('input', 'ts-filter', bar);
  filter.type = 'search';
  filter.placeholder = 'Filter: file, callback, kind…';
  filter.setAttribute('aria-label', 'Filter call sites');
  filter.addEventListener('input', () => h.onFilter({ text: filter.value }));
  const thread = el('select', 'ts-thread', bar);
  thread.setAttribute('aria-label', 'Thread');
  thread.addEventListener('change', () => h.onFilter({ threadId: thread.value === '' ? null : Number(thread.value) }));
  const finding = el('select', 'ts-finding', bar);
  finding.setAttribute('aria-label', 'Finding');
  finding.addEventListener('change', () => h.onFilter({ finding: finding.value as LaneFilter['finding'] }));
  const follow = el('button', 'ts-follow', bar, 'Follow live');
  follow.title = 'Keep the newest events in view (F)';
  follow.addEventListener('click', () => h.onFollow());
  const pause = el('button', 'ts-pause', bar, 'Pause');
  pause.title = 'Freeze the view; events keep arriving (Space)';
  pause.addEventListener('click', () => h.onPause());
  const fit = el('button', 'ts-fit', bar, 'Fit');
  fit.title = 'Show everything (0)';
  fit.addEventListener('click', () => h.onFit());
  const expand = el('button', 'ts-expand', bar, 'Expand all');
  expand.addEventListener('click', () => h.onExpandAll(true));
  const collapse = el('button', 'ts-collapse', bar, 'Collapse all');
  collapse.addEventListener('click', () => h.onExpandAll(false));
  const legend = el('span', 'ts-legend', bar);
  const names = [`<${DURATION_BOUNDS[0]}`, `<${DURATION_BOUNDS[1]}`, `<${DURATION_BOUNDS[2]}`, `<${DURATION_BOUNDS[3]}`, `≥${DURATION_BOUNDS[3]} ms`];
  names.forEach((n, i) => el('span', `ts-swatch ts-d${i}`, legend, n));
  el('span', 'ts-swatch ts-gc', legend, 'GC');

  const plot = el('div', 'ts-plot', root);
  const canvas = el('canvas', 'ts-canvas', plot);
  canvas.tabIndex = 0;
  canvas.setAttribute('aria-label', 'Timer timeline');
  const tip = el('div', 'ts-tooltip', plot);
  tip.hidden = true;

  const foot = el('div', 'ts-footer', root);
  const selection = el('div', 'ts-selection', foot);
  selection.hidden = true;
  const status = el('span', 'ts-status', foot);
  const reveal = el('span', 'ts-reveal', foot);
  const clearSel = el('button', 'ts-clear-selection', foot, 'Clear selection');
  clearSel.hidden = true;
  clearSel.addEventListener('click', () => h.onClearSelection());

  return {
    canvas,
    plot,
    setThreads(threads, selected) {
      const opts: [string, string][] = [['', 'All threads'], ...threads.map(t => [String(t.threadId), t.name] as [string, string])];
      thread.replaceChildren(...opts.map(([v, n]) => Object.assign(document.createElement('option'), { value: v, textContent: n })));
      thread.value = selected === null ? '' : String(selected);
      thread.hidden = threads.length < 2;
    },
    setRules(rules, selected) {
      const opts: [string, string][] = [['all', 'All sites'], ['any', 'With findings'], ...rules.map(r => [r, r] as [string, string])];
      finding.replaceChildren(...opts.map(([v, n]) => Object.assign(document.createElement('option'), { value: v, textContent: n })));
      finding.value = selected;
    },
    setFilterText(text) {
      filter.value = text;
    },
    setModes(live, following, paused) {
      follow.hidden = !live;
      pause.hidden = !live;
      follow.classList.toggle('ts-on', following);
      follow.setAttribute('aria-pressed', String(following));
      pause.textContent = paused ? 'Resume' : 'Pause';
      pause.classList.toggle('ts-on', paused);
    },
    showTooltip(lines, x, y) {
      if (!lines) {
        tip.hidden = true;
        return;
      }
      tip.textContent = lines.join('\n');
      tip.hidden = false;
      const w = tip.offsetWidth;
      const hgt = tip.offsetHeight;
      const left = x + 14 + w > plot.clientWidth ? Math.max(0, x - 14 - w) : x + 14;
      const top = y + 16 + hgt > plot.clientHeight ? Math.max(0, y - 8 - hgt) : y + 16;
      tip.style.transform = `translate(${left}px, ${top}px)`;
    },
    setStatus(text) {
      status.textContent = text;
    },
    setSelection(lines) {
      selection.hidden = !lines;
      clearSel.hidden = !lines;
      selection.textContent = lines ? lines.join('\n') : '';
    },
    setReveal(text) {
      reveal.textContent = text ?? '';
    },
  };
}
