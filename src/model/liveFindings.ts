/**
 * The live findings, each with a rule id, a severity, a site and a one-line explanation. Computed from the
 * {@link LiveModel} on demand; thresholds come from {@link LiveThresholds}.
 */
import type { Finding } from '../shared/findings';
import type { SourcePosition } from '../shared/snapshot';
import type { LiveModel, SiteState } from './liveModel';
import type { LiveThresholds } from './liveSettings';

const fmt = (ms: number) => (ms >= 10 ? Math.round(ms).toString() : (Math.round(ms * 10) / 10).toString());

function where(s: SiteState): SourcePosition | null {
  return s.site.location;
}

/** Number of sampled steps in which the live count went up, and the rise over the window. */
function growth(s: SiteState, windowMs: number, nowMs: number): { rises: number; rise: number } {
  const h = s.history.filter(p => p.tMs >= nowMs - windowMs);
  if (h.length === 0) return { rises: 0, rise: 0 };
  let rises = s.preexisting ? 0 : h[0].live > 0 ? 1 : 0;
  let min = s.preexisting ? h[0].live : 0;
  for (let i = 1; i < h.length; i++) {
    if (h[i].live > h[i - 1].live) rises++;
    min = Math.min(min, h[i].live);
  }
  return { rises, rise: s.live - min };
}

export function computeFindings(model: LiveModel, th: LiveThresholds): Finding[] {
  const out: Finding[] = [];
  const now = model.nowMs;
  for (const s of model.sites) {
    const loc = where(s);
    if (!loc || s.site.internal) continue;
    const add = (rule: Finding['rule'], severity: Finding['severity'], message: string) =>
      out.push({ rule, severity, site: loc, message, ...(s.site.threadId ? { threadId: s.site.threadId } : {}) });
    const what = `${s.site.kind}${s.site.callbackName ? ` (${s.site.callbackName})` : ''}`;

    const g = growth(s, th.leakWindowMs, now);
    if (s.live >= th.leakMinLive && g.rise >= th.leakMinGrowth && g.rises >= 2 && s.cleared * 2 < s.created) {
      add('leak.growth', 'error', `${s.live} live ${what} timers from this line, +${g.rise} while watching and ${s.cleared} cleared: they pile up`);
    }
    let outlived = 0;
    let keepalive = 0;
    for (const t of s.timers) {
      if (t.requestFinishedMs !== undefined && now - t.requestFinishedMs >= th.outlivedRequestMs) outlived++;
      const longLived = t.kind === 'interval' || t.delayMs >= th.keepaliveMinDelayMs;
      if (t.refed && longLived && now - t.createdMs >= th.keepaliveMinAgeMs && !model.unrefedThreads.has(s.site.threadId)) keepalive++;
    }
    if (outlived > 0) {
      add('leak.outlived-request', 'error', `${outlived} ${what} timer(s) created while handling an HTTP request are still alive ${fmt(th.outlivedRequestMs / 1000)} s+ after its response finished`);
    }
    if (keepalive > 0) {
      // Counted: ref'd intervals and long timeouts alive for keepaliveMinAgeMs or more (not the ones about to fire).
      add('keepalive', 'info', `${keepalive} ref'd ${what} timer(s), alive ${fmt(th.keepaliveMinAgeMs / 1000)} s or more, keep the process alive`);
    }
    // Churn is timers made and thrown away: a site whose timers mostly stay alive (intervals started once,
    // timers adopted at attach) is not churning, however fast it created them.
    if (s.maxCreatedPerSec > th.churnPerSecond && s.live * 2 < s.created) {
      add('churn', 'warning', `${s.maxCreatedPerSec} timers created per second at peak (${s.created} in all, ${s.refreshed} refreshes): reuse one timer with refresh() or debounce`);
    }
    const fires = s.duration.count;
    if (fires > 0 && fires < th.minFires) {
      // Too few fires for percentiles, but one fire far beyond the threshold is worth saying at once
      // (a one-off timeout a second late, a single callback that blocked the loop for a second).
      const far = (limit: number) => Math.max(10 * limit, 1000);
      if (s.duration.max > far(th.callbackLongMs)) {
        add('callback.long', 'warning', `callback ran ${fmt(s.duration.max)} ms (longest of ${fires} fire(s)): it blocks the event loop`);
      }
      if (s.lateness.max > far(th.lateSloMs)) {
        add('late', 'warning', `fired ${fmt(s.lateness.max)} ms late (worst of ${fires} fire(s), SLO ${th.lateSloMs} ms)`);
      }
    }
    if (fires >= th.minFires) {
      const p95 = s.duration.percentile(95);
      const p50 = s.duration.percentile(50);
      const period = s.site.kind === 'interval' ? s.site.delayMs : Infinity;
      if (p95 > th.callbackLongMs || p50 > period) {
        const vsPeriod = p50 > period ? `, longer than its ${fmt(period)} ms period` : '';
        add('callback.long', 'warning', `callback runs ${fmt(p50)} ms (p50), ${fmt(p95)} ms (p95)${vsPeriod}: it blocks the event loop`);
      }
      const late99 = s.lateness.percentile(99);
      if (late99 > th.lateSloMs) {
        add('late', 'warning', `fires ${fmt(late99)} ms late (p99, SLO ${th.lateSloMs} ms); p50 ${fmt(s.lateness.percentile(50))} ms`);
      }
    }
    if (s.overlaps >= th.overlapMin) {
      add('overlap', 'warning', `${s.overlaps} fire(s) started while the previous async callback was still pending`);
    }
  }
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
