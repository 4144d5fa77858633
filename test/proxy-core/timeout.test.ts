import { describe, expect, it } from 'vitest';
import type { CallHandler, CallRequest, Dispatch } from '../../proxy-core/dispatch.js';
import { compose } from '../../proxy-core/dispatch.js';
import type { Outcome } from '../../proxy-core/failure-cause.js';
import { timeout } from '../../proxy-core/timeout.js';
import { VirtualClock } from '../../sim/virtual-clock.js';

const request: CallRequest = { id: 1, caller: 'a', callee: 'b', headers: {}, startedAt: 0 };

/** A handler that records every outcome it is given, with the clock time. */
function recorder(clock: VirtualClock) {
  const seen: { at: number; outcome: Outcome; status: number }[] = [];
  const handler: CallHandler = {
    onResponse: (_req, status, outcome) => seen.push({ at: clock.now(), outcome, status }),
    onError: (_req, outcome) => seen.push({ at: clock.now(), outcome, status: 0 }),
  };
  return { seen, handler };
}

/** A callee that answers 200 after `ms`. */
const answerAfter = (clock: VirtualClock, ms: number): Dispatch => (req, handler) =>
  clock.schedule(ms, () => handler.onResponse(req, 200, 'ok'), null);

describe('timeout interceptor', () => {
  it('passes a response that arrives in time, and cancels its timer', () => {
    const clock = new VirtualClock();
    const { seen, handler } = recorder(clock);
    compose(answerAfter(clock, 40), [timeout(clock, 100)])(request, handler);
    clock.run();
    expect(seen).toEqual([{ at: 40, outcome: 'ok', status: 200 }]);
    expect(clock.now()).toBe(40); // the cancelled timer did not fire
  });

  it('answers timeout at the deadline and ignores the late response', () => {
    const clock = new VirtualClock();
    const { seen, handler } = recorder(clock);
    compose(answerAfter(clock, 250), [timeout(clock, 100)])(request, handler);
    clock.run();
    expect(seen).toEqual([{ at: 100, outcome: 'timeout', status: 0 }]);
  });

  it('0 disables the timeout, as Envoy route timeout 0s does', () => {
    const clock = new VirtualClock();
    const { seen, handler } = recorder(clock);
    compose(answerAfter(clock, 60_000), [timeout(clock, 0)])(request, handler);
    clock.run();
    expect(seen).toEqual([{ at: 60_000, outcome: 'ok', status: 200 }]);
  });

  it('composes outermost first: the shorter of two nested timeouts wins', () => {
    const clock = new VirtualClock();
    const { seen, handler } = recorder(clock);
    compose(answerAfter(clock, 500), [timeout(clock, 300), timeout(clock, 200)])(request, handler);
    clock.run();
    expect(seen).toEqual([{ at: 200, outcome: 'timeout', status: 0 }]);
  });
});
