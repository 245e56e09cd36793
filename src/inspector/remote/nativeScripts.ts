/**
 * Runs INSIDE the inspected process (self-contained, see timerWalker.ts): finds which of Node's own loaded
 * modules defines each sample function, by its exact source text at its exact [[FunctionLocation]], so
 * that Node-internal timers get their `node:` URL without the Debugger domain. Reads
 * `process.binding('natives')` (the sources Node was built with; never warns unless the process runs with
 * --pending-deprecation, when this gives up), one slice of modules per call to keep each call short.
 * Returns [sampleIndex, moduleId] pairs; a sample found in two modules is reported twice (the host then
 * refuses to guess).
 */
/* eslint-disable */
export function findInNatives(this: any, texts: string[], locations: number[][], start: number, count: number) {
  const p: any = process;
  const pending = (p.execArgv || []).indexOf('--pending-deprecation') >= 0 || /--pending-deprecation/.test((p.env && p.env.NODE_OPTIONS) || '') || (p.env && p.env.NODE_PENDING_DEPRECATION === '1');
  if (pending || typeof p.binding !== 'function') return { matches: [], total: 0, unavailable: true };
  if (!this.__natives) {
    let natives: Record<string, string> = {};
    try {
      natives = p.binding('natives');
    } catch (e) {}
    const loaded: Record<string, boolean> = {};
    for (const entry of p.moduleLoadList || []) if (entry.indexOf('NativeModule ') === 0) loaded[entry.slice(13)] = true;
    Object.defineProperty(this, '__natives', { value: { natives, ids: Object.keys(natives).filter(id => loaded[id]) } });
  }
  const { natives, ids } = this.__natives;
  const matches: [number, string][] = [];
  for (const id of ids.slice(start, start + count)) {
    const src = natives[id];
    if (typeof src !== 'string') continue;
    for (let k = 0; k < texts.length; k++) {
      const text = texts[k];
      if (!text) continue;
      const paren = text.indexOf('(');
      for (let at = src.indexOf(text); at >= 0; at = src.indexOf(text, at + 1)) {
        // Line and column of the occurrence, and of its parameter list ([[FunctionLocation]] is one of them).
        let line = 0;
        let lineStart = 0;
        for (let nl = src.indexOf('\n'); nl >= 0 && nl < at; nl = src.indexOf('\n', nl + 1)) {
          line++;
          lineStart = nl + 1;
        }
        const [line0, column0] = locations[k];
        const col = at - lineStart;
        const parenCol = paren >= 0 && src.lastIndexOf('\n', at + paren) < lineStart ? col + paren : -1;
        if (line === line0 && (col === column0 || parenCol === column0)) matches.push([k, id]);
      }
    }
  }
  return { matches, total: ids.length, unavailable: false };
}
