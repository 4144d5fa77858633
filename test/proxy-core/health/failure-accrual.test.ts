import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_FAILURE_ACCRUAL, FailureAccrual, resolveFailureAccrual } from '../../../proxy-core/health/failure-accrual.js';
import type { PolicyEventKind } from '../../../proxy-core/health/policy-event.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { VirtualClock } from '../../../sim/virtual-clock.js';

/** Fires every pending timer, background ones included (the policy's timers are background). */
const fireAll = (clock: VirtualClock): void => {
  while (clock.queue.size > 0) clock.queue.fireNext();
};

/** An Rng that always returns `r`. */
const constantRng = (r: number): Rng => ({ next: () => r, int: (n) => Math.floor(r * n), fork: () => constantRng(r) });

function setup(options = {}, r = 0, hosts = 1) {
  const clock = new VirtualClock();
  const events: { kind: PolicyEventKind; host: number; at: number }[] = [];
  const accrual = new FailureAccrual(clock, constantRng(r), hosts, options, (kind, host, at) => events.push({ kind, host, at }));
  return { clock, accrual, events };
}

/** Sends `n` failing results to `host`. */
const fail = (accrual: FailureAccrual, host: number, n: number) => {
  for (let i = 0; i < n; i++) accrual.onResult(host, false);
};

/** Lets the clock reach probation, sends the probe and answers it; returns when it was sent. */
function probe(clock: VirtualClock, accrual: FailureAccrual, ok: boolean): number {
  fireAll(clock);
  expect(accrual.stateOf(0)).toBe('probation');
  expect(accrual.isAvailable(0)).toBe(true);
  accrual.onDispatch(0);
  expect(accrual.isAvailable(0)).toBe(false);
  const at = clock.now();
  accrual.onResult(0, ok);
  return at;
}

describe('FailureAccrual (Linkerd consecutive failures)', () => {
  it("has Linkerd's defaults: 7 failures, 1 s … 1 min, jitter 0.5", () => {
    expect(DEFAULT_FAILURE_ACCRUAL).toEqual({ maxFailures: 7, minPenaltyMs: 1000, maxPenaltyMs: 60_000, jitterRatio: 0.5 });
  });

  it('§9.8: 7 consecutive failures ⇒ unavailable for 1 s, then one probe', () => {
    const { clock, accrual, events } = setup({}, 0);
    fail(accrual, 0, 6);
    expect(accrual.isAvailable(0)).toBe(true);
    accrual.onResult(0, false);
    expect(accrual.isAvailable(0)).toBe(false);
    clock.runUntil(999);
    expect(accrual.stateOf(0)).toBe('unavailable');
    clock.runUntil(1000);
    expect(accrual.stateOf(0)).toBe('probation');
    expect(events).toEqual([
      { kind: 'host-unavailable', host: 0, at: 0 },
      { kind: 'host-probation', host: 0, at: 1000 },
    ]);
  });

  it('a success resets the count', () => {
    const { accrual } = setup();
    fail(accrual, 0, 6);
    accrual.onResult(0, true);
    fail(accrual, 0, 6);
    expect(accrual.isAvailable(0)).toBe(true);
  });

  it('failed probes double the backoff up to max penalty (no jitter): 1, 2, 4, …, 32, 60, 60 s', () => {
    const { clock, accrual } = setup({ jitterRatio: 0 });
    fail(accrual, 0, 7);
    const sent: number[] = [0];
    for (let i = 0; i < 8; i++) sent.push(probe(clock, accrual, false));
    const gaps = sent.slice(1).map((t, i) => t - sent[i]);
    expect(gaps).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000]);
  });

  it('jitter adds r · ratio · base, capped so that the backoff never exceeds max penalty', () => {
    const half = setup({}, 0.5);
    fail(half.accrual, 0, 7);
    fireAll(half.clock);
    expect(half.clock.now()).toBe(1250); // 1000 + 0.5 · 0.5 · 1000
    const capped = setup({ minPenaltyMs: 40_000, jitterRatio: 1 }, 0.9);
    fail(capped.accrual, 0, 7);
    fireAll(capped.clock);
    expect(capped.clock.now()).toBe(60_000); // 40 000 + min(36 000, 20 000)
  });

  it('a successful probe makes the host available with the count reset; the next episode starts at min penalty', () => {
    const { clock, accrual, events } = setup({ jitterRatio: 0 });
    fail(accrual, 0, 7);
    probe(clock, accrual, false); // at 1000, next backoff 2000
    expect(probe(clock, accrual, true)).toBe(3000);
    expect(accrual.stateOf(0)).toBe('available');
    fail(accrual, 0, 6);
    expect(accrual.isAvailable(0)).toBe(true);
    accrual.onResult(0, false);
    fireAll(clock);
    expect(clock.now()).toBe(4000); // 1 s again, not 4 s
    expect(events.map((e) => `${e.kind}@${e.at}`)).toEqual([
      'host-unavailable@0',
      'host-probation@1000',
      'host-unavailable@1000',
      'host-probation@3000',
      'host-available@3000',
      'host-unavailable@3000',
      'host-probation@4000',
    ]);
  });

  it("ports linkerd2-proxy's `transitions` test: stragglers are ignored while shut", () => {
    const { clock, accrual } = setup({ maxFailures: 2, minPenaltyMs: 1000, maxPenaltyMs: 100_000, jitterRatio: 0 });
    accrual.onResult(0, false);
    expect(accrual.stateOf(0)).toBe('available');
    accrual.onResult(0, false);
    expect(accrual.stateOf(0)).toBe('unavailable');
    clock.runUntil(500);
    expect(accrual.stateOf(0)).toBe('unavailable');
    clock.runUntil(1000);
    expect(accrual.isAvailable(0)).toBe(true);
    accrual.onDispatch(0);
    accrual.onResult(0, false); // the probe fails
    clock.runUntil(2000);
    expect(accrual.stateOf(0)).toBe('unavailable');
    accrual.onResult(0, true); // a straggler: ignored
    expect(accrual.stateOf(0)).toBe('unavailable');
    clock.runUntil(3000);
    expect(accrual.stateOf(0)).toBe('probation');
    accrual.onDispatch(0);
    accrual.onResult(0, true);
    expect(accrual.stateOf(0)).toBe('available');
  });

  it('keeps hosts independent and stop() cancels pending penalties', () => {
    const { clock, accrual } = setup({}, 0, 3);
    fail(accrual, 1, 7);
    expect([0, 1, 2].map((h) => accrual.isAvailable(h))).toEqual([true, false, true]);
    accrual.stop();
    fireAll(clock);
    expect(clock.now()).toBe(0);
    expect(accrual.stateOf(1)).toBe('unavailable');
  });

  it('rejects bad configs', () => {
    expect(() => resolveFailureAccrual({ maxFailures: 0 })).toThrow(RangeError);
    expect(() => resolveFailureAccrual({ minPenaltyMs: 5000, maxPenaltyMs: 1000 })).toThrow(/maxPenaltyMs/);
    expect(() => resolveFailureAccrual({ maxPenaltyMs: 0, minPenaltyMs: 0 })).toThrow(RangeError);
    expect(() => resolveFailureAccrual({ jitterRatio: 101 })).toThrow(/jitterRatio/);
    expect(() => new FailureAccrual(new VirtualClock(), constantRng(0), -1)).toThrow(RangeError);
  });

  it('property: while in probation, never more than one probe is admitted', () => {
    const op = fc.oneof(
      fc.record({ op: fc.constant('dispatch' as const), host: fc.nat(2) }),
      fc.record({ op: fc.constant('result' as const), host: fc.nat(2), ok: fc.boolean() }),
      fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 5000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.array(op, { minLength: 100, maxLength: 400 }), (seed, script) => {
        const clock = new VirtualClock();
        const probes = [0, 0, 0];
        const inFlight = [0, 0, 0];
        const accrual = new FailureAccrual(clock, new SeededRng(seed), 3, { maxFailures: 2 }, (kind, host) => {
          if (kind === 'host-probation') probes[host] = 0;
        });
        for (const step of script) {
          if (step.op === 'dispatch') {
            if (!accrual.isAvailable(step.host)) continue;
            if (accrual.stateOf(step.host) === 'probation') probes[step.host]++;
            accrual.onDispatch(step.host);
            inFlight[step.host]++;
          } else if (step.op === 'result') {
            if (inFlight[step.host] === 0) continue;
            inFlight[step.host]--;
            accrual.onResult(step.host, step.ok);
          } else {
            clock.runUntil(clock.now() + step.ms);
          }
          if (probes.some((n) => n > 1)) return false;
        }
        return true;
      }),
    );
  });
});
