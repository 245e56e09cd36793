/**
 * Reads what a user sees in the editor of a code-server page: gutter icons, code lenses and hovers, each tied
 * to the 1-based line it sits on (by matching its on-screen position with the line numbers). Works on the
 * active editor of the editor area; the file must be short enough to be fully visible.
 */
import type { Page } from 'playwright-core';
import { until } from '../e2e/timelineBrowser';

declare const document: any;
declare function getComputedStyle(el: unknown): { backgroundImage: string };

export type GutterIcon = { line: number; icon: string };
export type Lens = { line: number; text: string };

/** In the page: the line whose number cell is at the same height as `top` (or, for lenses, just below it). */
const LINE_OF = `(editor, top, below) => {
  let best, bestDist = Infinity;
  for (const el of editor.querySelectorAll('.margin-view-overlays .line-numbers')) {
    const r = el.getBoundingClientRect();
    const d = below ? r.top - top : Math.abs(r.top - top);
    if ((below ? d >= -2 : true) && d < bestDist) { bestDist = d; best = Number(el.textContent.trim()); }
  }
  return bestDist <= (below ? 30 : 3) ? best : undefined;
}`;

/**
 * In the page: every gutter icon (an SVG background in the glyph margin, as `light/leak.svg`) or every code
 * lens text of the active editor, each with its line.
 */
function readEditor(page: Page, what: 'icons' | 'lenses'): Promise<{ line: number; text: string }[]> {
  return page.evaluate(([kind, lineOfSrc]) => {
    const lineOf = (0, eval)(lineOfSrc);
    const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
    const out: { line: number; text: string }[] = [];
    const selector = kind === 'icons' ? '.glyph-margin-widgets > *, .margin-view-overlays .cgmr' : '.codelens-decoration';
    for (const el of editor?.querySelectorAll(selector) ?? []) {
      const r = el.getBoundingClientRect();
      // code-server serves an icon through a vscode-remote-resource URL with the path percent-encoded.
      const text = kind === 'icons'
        ? /\/([^/?&"]+\/[^/?&"]+\.svg)/.exec(decodeURIComponent(getComputedStyle(el).backgroundImage))?.[1]
        : (el.textContent ?? '').trim();
      // A lens stands in a view zone just above its line.
      const line = kind === 'icons' ? lineOf(editor, r.top, false) : lineOf(editor, r.bottom, true);
      if (line !== undefined && text) out.push({ line, text });
    }
    return out.sort((a, b) => a.line - b.line);
  }, [what, LINE_OF] as const);
}

/** Every gutter icon, as `light/leak.svg`, and its line. */
export async function gutterIcons(page: Page): Promise<GutterIcon[]> {
  return (await readEditor(page, 'icons')).map(({ line, text }) => ({ line, icon: text }));
}

/** Every code lens and the line it stands above. */
export function codeLenses(page: Page): Promise<Lens[]> {
  return readEditor(page, 'lenses');
}

/** Clicks the (first) command of the code lens above `line`; false when there is none. */
export async function clickLens(page: Page, line: number): Promise<boolean> {
  const at = await page.evaluate(([n, lineOfSrc]) => {
    const lineOf = (0, eval)(lineOfSrc as string);
    const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
    for (const el of editor?.querySelectorAll('.codelens-decoration') ?? []) {
      const a = el.querySelector('a');
      if (!a || lineOf(editor, el.getBoundingClientRect().bottom, true) !== n) continue;
      const r = a.getBoundingClientRect();
      return { x: r.left + Math.min(20, r.width / 2), y: r.top + r.height / 2 };
    }
    return undefined;
  }, [line, LINE_OF] as const);
  if (at) await page.mouse.click(at.x, at.y);
  return at !== undefined;
}

/** Hovers the text of `line` and returns the hover's text once it shows `expect`. */
export async function hoverText(page: Page, line: number, expect: RegExp): Promise<string> {
  let text = '';
  await until(async () => {
    const box = await page.evaluate(([n, lineOfSrc]) => {
      const lineOf = (0, eval)(lineOfSrc as string);
      const editor = document.querySelector('.part.editor .editor-group-container.active .monaco-editor');
      for (const el of editor?.querySelectorAll('.view-lines .view-line') ?? []) {
        const r = el.getBoundingClientRect();
        if (lineOf(editor, r.top, false) === n) {
          const span = [...el.querySelectorAll('span span')].find((x: any) => x.textContent.trim()) ?? el;
          const s = span.getBoundingClientRect();
          return { x: s.left + Math.min(12, s.width / 2), y: r.top + r.height / 2 };
        }
      }
      return undefined;
    }, [line, LINE_OF] as const);
    if (!box) return false;
    // Leave and come back: VS Code shows a hover on the mouse moving onto the text.
    await page.mouse.move(box.x, box.y + 200);
    await page.mouse.move(box.x, box.y);
    const hover = page.locator('.monaco-hover:not(.hidden)');
    try {
      await hover.first().waitFor({ timeout: 3000 });
      text = (await hover.allInnerTexts()).join('\n');
    } catch {
      return false;
    }
    return expect.test(text);
  }, `a hover on line ${line} matching ${expect}`, 30_000);
  return text;
}

/** The 1-based line of `file` that contains `tag` (the fixture marks its lines with `fixture:<name>`). */
export function lineOf(source: string, tag: string): number {
  const i = source.split('\n').findIndex(l => l.includes(tag));
  if (i < 0) throw new Error(`no line tagged ${tag}`);
  return i + 1;
}

/** Widens (or narrows) the side bar by dragging the sash on its right edge. */
export async function dragSidebarEdge(page: Page, dx: number): Promise<void> {
  const bar = (await page.locator('.part.sidebar').boundingBox())!;
  const x = bar.x + bar.width;
  const y = bar.y + bar.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx / 2, y);
  await page.mouse.move(x + dx, y);
  await page.mouse.up();
}
