/**
 * Snapshot benchmark: snapshot time and the target's longest event-loop stall for 1k, 10k and 100k live
 * timers at a 50 MB and a 500 MB heap, for Node's timer lists (our path) next to the Runtime.queryObjects
 * fallback, measured in one run on one machine.
 *   node --import tsx bench/snapshot.ts [--quick]
 * Targets: 100k timers in under 1 s; no stall over 10 ms; both independent of heap size.
 * Methods: `first` = the first snapshot of a connection (includes the one-time script discovery with the
 * Debugger domain), `timer-lists` = every later snapshot, `query-objects` = the fallback, `idle` = the
 * baseline: the target's longest event-loop delay over a second with no snapshot (the machine's noise).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { openTarget } from '../src/inspector/connect';
import { takeSnapshot } from '../src/inspector/snapshot';

const quick = process.argv.includes('--quick');
const timerCounts = quick ? [1000, 10000] : [1000, 10000, 100000];
const heaps = quick ? [50] : [50, 500];
const fixture = path.join(__dirname, 'fixtures', 'timerHeap.js');

type Row = { timers: number; heapMb: number; method: string; ms: number; stallMs: number; found: number };

async function measure(timers: number, heapMb: number): Promise<Row[]> {
  const conn = await openTarget({
    launch: {
      command: [process.execPath, '--max-old-space-size=4096', fixture],
      env: { TIMERS: String(timers), HEAP_MB: String(heapMb) },
      output: 'ignore',
    },
  });
  const rows: Row[] = [];
  try {
    // Wait until the fixture has built its heap and timers.
    for (;;) {
      const r = await conn.client.Runtime.evaluate({ expression: 'typeof globalThis.__benchStall', returnByValue: true });
      if (r.result.value === 'object') break;
      await new Promise(r => setTimeout(r, 200));
    }
    // Baseline in the same run: how much the target's loop stalls with nobody attached doing anything.
    await conn.client.Runtime.evaluate({ expression: '__benchStall.reset()' });
    await new Promise(r => setTimeout(r, 1000));
    const idle = await conn.client.Runtime.evaluate({ expression: '__benchStall.maxMs()', returnByValue: true });
    rows.push({ timers, heapMb, method: 'idle', ms: 0, stallMs: idle.result.value as number, found: 0 });
    for (const method of ['first', 'timer-lists', 'query-objects'] as const) {
      const runs = method === 'timer-lists' ? 3 : 1;
      for (let i = 0; i < runs; i++) {
        await conn.client.Runtime.evaluate({ expression: '__benchStall.reset()' });
        const t0 = performance.now();
        const snap = await takeSnapshot(conn, { forceQueryObjects: method === 'query-objects' });
        const ms = performance.now() - t0;
        // Let the 1 ms monitor observe one more turn after the last in-target call.
        await new Promise(r => setTimeout(r, 20));
        const stall = await conn.client.Runtime.evaluate({ expression: '__benchStall.maxMs()', returnByValue: true });
        rows.push({ timers, heapMb, method, ms, stallMs: stall.result.value as number, found: snap.timers.length });
      }
    }
  } finally {
    await conn.close();
  }
  return rows;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main() {
  const all: Row[] = [];
  for (const heapMb of heaps) for (const timers of timerCounts) all.push(...(await measure(timers, heapMb)));
  console.log(`snapshot benchmark, node ${process.version}, ${new Date().toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model}, load ${os.loadavg()[0].toFixed(2)}`);
  console.log('timers  heap MB  method         snapshot ms  max stall ms  timers found');
  const summary: Record<string, { ms: number; stall: number }> = {};
  for (const heapMb of heaps) {
    for (const timers of timerCounts) {
      for (const method of ['idle', 'first', 'timer-lists', 'query-objects']) {
        const rs = all.filter(r => r.timers === timers && r.heapMb === heapMb && r.method === method);
        const ms = median(rs.map(r => r.ms));
        const stall = Math.max(...rs.map(r => r.stallMs));
        summary[`${timers}/${heapMb}/${method}`] = { ms, stall };
        console.log(`${String(timers).padStart(6)}  ${String(heapMb).padStart(7)}  ${method.padEnd(13)}  ${(method === 'idle' ? '-' : ms.toFixed(0)).padStart(11)}  ${stall.toFixed(1).padStart(12)}  ${(method === 'idle' ? '-' : String(rs[0].found)).padStart(12)}`);
      }
    }
  }
  for (const timers of timerCounts) {
    const lists = heaps.map(h => summary[`${timers}/${h}/timer-lists`]);
    const query = heaps.map(h => summary[`${timers}/${h}/query-objects`]);
    const ratio = heaps.map((_, i) => (query[i].ms / lists[i].ms).toFixed(1)).join(' / ');
    const heapRatio = heaps.length > 1 ? ` ; 500 MB vs 50 MB heap: ${(lists[1].ms / lists[0].ms).toFixed(2)}× time` : '';
    console.log(`${timers} timers: queryObjects is ${ratio}× slower than the timer lists${heapRatio}`);
  }
  const biggest = summary[`${timerCounts[timerCounts.length - 1]}/${heaps[heaps.length - 1]}/timer-lists`];
  const worstStall = Math.max(...Object.entries(summary).filter(([k]) => k.endsWith('timer-lists')).map(([, v]) => v.stall));
  const firstStall = Math.max(...Object.entries(summary).filter(([k]) => k.endsWith('first')).map(([, v]) => v.stall));
  console.log(`one-time script discovery on a connection's first snapshot: worst stall ${firstStall.toFixed(1)} ms`);
  console.log(`target: ${timerCounts[timerCounts.length - 1]} timers in < 1000 ms: ${biggest.ms.toFixed(0)} ms ${biggest.ms < 1000 ? 'PASS' : 'FAIL'}`);
  const idleStall = Math.max(...Object.entries(summary).filter(([k]) => k.endsWith('idle')).map(([, v]) => v.stall));
  console.log(`target: no stall over 10 ms (timer lists): worst ${worstStall.toFixed(1)} ms ${worstStall <= 10 ? 'PASS' : 'FAIL'} (idle baseline worst ${idleStall.toFixed(1)} ms)`);
  if (heaps.length > 1) {
    const stallRatio = (h: number) => Math.max(...timerCounts.map(t => summary[`${t}/${h}/timer-lists`].stall));
    console.log(`stall at 500 MB vs 50 MB heap (timer lists): ${(stallRatio(500) / stallRatio(50)).toFixed(2)}×`);
  }
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
