import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SourcePosition } from '../../../src/shared/snapshot';
import type { ToWebviewMessage } from '../../../src/shared/webviewProtocol';
import { TimelineHub, type ITimelineWebview } from '../../../src/views/timelineHub';
import { loadFixture } from './fixture';

/** A webview channel as VS Code gives it to the hub: a visibility flag and postMessage. */
class Channel implements ITimelineWebview {
  visible = true;
  readonly got: ToWebviewMessage[] = [];
  postMessage(m: ToWebviewMessage): Promise<boolean> {
    this.got.push(m);
    return Promise.resolve(true);
  }
  types(): string[] {
    return this.got.map(m => m.type);
  }
}

const fire = (t: number) => ({ fires: [{ timerId: 1, scheduledMs: t, startMs: t + 1, durationMs: 1 }], nowMs: t + 2 });

test('hydrates a visible webview on ready, then sends only coalesced deltas', () => {
  const hub = new TimelineHub(() => undefined);
  const ch = new Channel();
  const client = hub.attach(ch);
  hub.startSession(loadFixture(), 'fixture', true);
  assert.deepEqual(ch.types(), [], 'nothing before ready');
  client.receive({ type: 'ready' });
  assert.deepEqual(ch.types(), ['hydrate']);
  const h = ch.got[0] as Extract<ToWebviewMessage, { type: 'hydrate' }>;
  assert.equal(h.live, true);
  assert.equal(h.recording.fires.length, loadFixture().fires.length);
  hub.pushDelta(fire(10_001));
  hub.pushDelta(fire(10_002));
  hub.flush();
  assert.deepEqual(ch.types(), ['hydrate', 'delta']);
  const d = ch.got[1] as Extract<ToWebviewMessage, { type: 'delta' }>;
  assert.equal(d.delta.fires!.length, 2, 'two deltas coalesced into one message');
  hub.dispose();
});

test('a hidden webview gets nothing and is re-hydrated, with what it missed, when shown', () => {
  const hub = new TimelineHub(() => undefined);
  const ch = new Channel();
  const client = hub.attach(ch);
  hub.startSession(loadFixture(), 'fixture', true);
  client.receive({ type: 'ready' });
  ch.visible = false;
  client.visibilityChanged();
  hub.pushDelta(fire(10_005));
  hub.flush();
  assert.deepEqual(ch.types(), ['hydrate']);
  ch.visible = true;
  client.visibilityChanged();
  assert.deepEqual(ch.types(), ['hydrate', 'hydrate']);
  const h = ch.got[1] as Extract<ToWebviewMessage, { type: 'hydrate' }>;
  assert.ok(h.recording.fires.some(f => f.startMs === 10_006), 'the missed fire is in the new hydrate');
  hub.dispose();
});

test('a webview that is hidden when ready waits for visibility', () => {
  const hub = new TimelineHub(() => undefined);
  const ch = new Channel();
  ch.visible = false;
  const client = hub.attach(ch);
  client.receive({ type: 'ready' });
  assert.deepEqual(ch.types(), []);
  ch.visible = true;
  client.visibilityChanged();
  assert.deepEqual(ch.types(), ['hydrate']);
  hub.dispose();
});

test('reveal reaches the host; malformed messages are ignored and logged; session end is broadcast', () => {
  const revealed: SourcePosition[] = [];
  const logs: string[] = [];
  const hub = new TimelineHub(l => revealed.push(l), {}, m => logs.push(m));
  const ch = new Channel();
  const client = hub.attach(ch);
  client.receive({ type: 'ready' });
  client.receive({ type: 'reveal', location: { file: '/app/src/a.ts', line: 3, column: 7 }, timerId: 1 });
  client.receive({ type: 'reveal', location: { file: 42 } });
  client.receive({ type: 'bogus' });
  assert.deepEqual(revealed, [{ file: '/app/src/a.ts', line: 3, column: 7 }]);
  assert.equal(logs.length, 2);
  hub.endSession('target exited');
  assert.deepEqual(ch.types(), ['hydrate', 'sessionEnded']);
  hub.dispose();
});

test('window and SLO settings travel with the hydrate; a finished recording keeps everything', () => {
  const hub = new TimelineHub(() => undefined, { windowMs: 30_000, slo: { latenessMs: 5, callbackMs: 7 } });
  const ch = new Channel();
  hub.attach(ch).receive({ type: 'ready' });
  hub.startSession(loadFixture(), 'rec', false);
  const h = ch.got.at(-1) as Extract<ToWebviewMessage, { type: 'hydrate' }>;
  assert.deepEqual(h.config, { windowMs: null, slo: { latenessMs: 5, callbackMs: 7 } });
  hub.startSession(undefined, 'live', true);
  assert.equal((ch.got.at(-1) as Extract<ToWebviewMessage, { type: 'hydrate' }>).config.windowMs, 30_000);
  hub.dispose();
});

test('focusSite goes to visible webviews now, or to the next hydrate', () => {
  const hub = new TimelineHub(() => undefined);
  const ch = new Channel();
  ch.visible = false;
  const client = hub.attach(ch);
  client.receive({ type: 'ready' });
  const loc = { file: '/app/src/session.ts', line: 40, column: 5 };
  hub.focusSite(loc);
  assert.deepEqual(ch.types(), []);
  ch.visible = true;
  client.visibilityChanged();
  assert.deepEqual(ch.types(), ['hydrate', 'focusSite']);
  hub.focusSite(loc);
  assert.deepEqual(ch.types(), ['hydrate', 'focusSite', 'focusSite']);
  hub.dispose();
});
