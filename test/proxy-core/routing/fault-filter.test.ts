import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_ACTIVE_FAULTS,
  FaultDecision,
  FaultFilter,
  type FaultFilterConfig,
} from '../../../proxy-core/routing/fault-filter.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import { SeededRng } from '../../../sim/seeded-rng.js';

/** An Rng that returns the scripted draws in order and fails the test on an unscripted draw. */
class ScriptedRng implements Rng {
  drawn = 0;
  constructor(private readonly draws: number[]) {}
  next(): number {
    if (this.drawn >= this.draws.length) throw new Error(`unscripted draw #${this.drawn + 1}`);
    return this.draws[this.drawn++];
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  fork(): Rng {
    return this;
  }
}

const none = {};

function filter(draws: number[], config: FaultFilterConfig) {
  const rng = new ScriptedRng(draws);
  return { rng, fault: new FaultFilter(rng, config) };
}

describe('FaultFilter (Envoy HTTP fault filter, Istio HTTPFaultInjection vocabulary)', () => {
  it('aborts exactly the draws below the percentage (10%: 0.05 and 0.0999 hit, 0.1 and 0.5 do not)', () => {
    const { fault } = filter([0.05, 0.1, 0.0999, 0.5], { abort: { httpStatus: 503, percentage: 10 } });
    expect(fault.decide(none)).toBe(FaultDecision.Abort);
    expect(fault.abortStatus).toBe(503);
    expect(fault.decide(none)).toBe(FaultDecision.Pass);
    expect(fault.decide(none)).toBe(FaultDecision.Abort);
    expect(fault.decide(none)).toBe(FaultDecision.Pass);
    expect(fault.abortsInjected).toBe(2);
    expect(fault.delaysInjected).toBe(0);
  });

  it('Istio: an unset percentage faults no request (and draws nothing); 100% faults every request', () => {
    const unset = filter([], { delay: { fixedDelayMs: 5000 }, abort: { httpStatus: 500 } });
    for (let i = 0; i < 5; i++) expect(unset.fault.decide(none)).toBe(FaultDecision.Pass);
    expect(unset.rng.drawn).toBe(0);
    const all = filter([0.999999, 0], { abort: { httpStatus: 500, percentage: 100 } });
    expect(all.fault.decide(none)).toBe(FaultDecision.Abort);
    expect(all.fault.decide(none)).toBe(FaultDecision.Abort);
  });

  it('draws the delay, then the abort; when both hit the abort follows the delay', () => {
    const config = { delay: { fixedDelayMs: 250, percentage: 50 }, abort: { httpStatus: 504, percentage: 20 } };
    // (delay draw, abort draw) per request
    const { fault, rng } = filter([0.4, 0.1, 0.4, 0.3, 0.6, 0.1, 0.6, 0.3], config);
    expect(fault.decide(none)).toBe(FaultDecision.DelayThenAbort);
    expect(fault.delayMs).toBe(250);
    expect(fault.abortStatus).toBe(504);
    expect(fault.decide(none)).toBe(FaultDecision.Delay);
    expect(fault.decide(none)).toBe(FaultDecision.Abort);
    expect(fault.decide(none)).toBe(FaultDecision.Pass);
    expect(rng.drawn).toBe(8);
    expect(fault.delaysInjected).toBe(2);
    expect(fault.abortsInjected).toBe(2);
  });

  it('applies only when every configured header matches exactly', () => {
    const { fault, rng } = filter([0, 0], {
      abort: { httpStatus: 503, percentage: 100 },
      headers: { 'X-Tier': 'gold', 'x-canary': 'true' },
    });
    expect(fault.decide({ 'x-tier': 'gold' })).toBe(FaultDecision.Pass);
    expect(fault.decide({ 'x-tier': 'Gold', 'x-canary': 'true' })).toBe(FaultDecision.Pass);
    expect(rng.drawn).toBe(0);
    expect(fault.decide({ 'x-tier': 'gold', 'x-canary': 'true', other: 'x' })).toBe(FaultDecision.Abort);
  });

  it('max_active_faults: no new fault while the limit is in progress; counts faults_overflow', () => {
    expect(DEFAULT_MAX_ACTIVE_FAULTS).toBe(Number.POSITIVE_INFINITY);
    const { fault } = filter([0, 0, 0, 0, 0, 0], {
      delay: { fixedDelayMs: 100, percentage: 100 },
      abort: { httpStatus: 503, percentage: 100 },
      maxActiveFaults: 1,
    });
    expect(fault.decide(none)).toBe(FaultDecision.DelayThenAbort);
    fault.faultStarted();
    expect(fault.activeFaults).toBe(1);
    // Both the delay and the abort find no room, as Envoy's two tryIncActiveFaults calls.
    expect(fault.decide(none)).toBe(FaultDecision.Pass);
    expect(fault.faultsOverflow).toBe(2);
    fault.faultEnded();
    expect(fault.decide(none)).toBe(FaultDecision.DelayThenAbort);
    expect(fault.delaysInjected).toBe(2);
    expect(() => {
      fault.faultEnded();
    }).toThrow(RangeError);
  });

  it('maxActiveFaults 0 injects nothing', () => {
    const { fault } = filter([0], { abort: { httpStatus: 503, percentage: 100 }, maxActiveFaults: 0 });
    expect(fault.decide(none)).toBe(FaultDecision.Pass);
    expect(fault.faultsOverflow).toBe(1);
  });

  describe('header-controlled faults (Envoy header_abort / header_delay)', () => {
    const config: FaultFilterConfig = {
      headerControlled: true,
      delay: { fixedDelayMs: 1, percentage: 50 },
      abort: { httpStatus: 500, percentage: 50 },
    };

    it('takes the status and delay from the request; no header, no fault', () => {
      const { fault, rng } = filter([0.2, 0.2], config);
      expect(fault.decide(none)).toBe(FaultDecision.Pass);
      expect(rng.drawn).toBe(0);
      expect(fault.decide({ 'x-envoy-fault-abort-request': '429', 'x-envoy-fault-delay-request': '750' })).toBe(
        FaultDecision.DelayThenAbort,
      );
      expect(fault.abortStatus).toBe(429);
      expect(fault.delayMs).toBe(750);
    });

    it('caps the -percentage headers by the configured percentage', () => {
      const { fault } = filter([0.3, 0.6, 0.4, 0.1], config);
      const abort80 = { 'x-envoy-fault-abort-request': '503', 'x-envoy-fault-abort-request-percentage': '80' };
      expect(fault.decide(abort80)).toBe(FaultDecision.Abort); // 0.3 < min(80, 50)%
      expect(fault.decide(abort80)).toBe(FaultDecision.Pass); // 0.6 ≥ 50%: capped
      const abort20 = { 'x-envoy-fault-abort-request': '503', 'x-envoy-fault-abort-request-percentage': '20' };
      expect(fault.decide(abort20)).toBe(FaultDecision.Pass); // 0.4 ≥ 20%
      const delay20 = { 'x-envoy-fault-delay-request': '100', 'x-envoy-fault-delay-request-percentage': '20' };
      expect(fault.decide(delay20)).toBe(FaultDecision.Delay); // 0.1 < 20%
    });

    it('ignores an abort header outside 200–599 and a delay header that is not a positive number', () => {
      const { fault, rng } = filter([], config);
      expect(fault.decide({ 'x-envoy-fault-abort-request': '99' })).toBe(FaultDecision.Pass);
      expect(fault.decide({ 'x-envoy-fault-abort-request': 'oops' })).toBe(FaultDecision.Pass);
      expect(fault.decide({ 'x-envoy-fault-delay-request': '0' })).toBe(FaultDecision.Pass);
      expect(rng.drawn).toBe(0);
    });

    it('is off unless configured: the headers do nothing by default', () => {
      const { fault } = filter([0.9], { abort: { httpStatus: 500, percentage: 50 } });
      expect(fault.decide({ 'x-envoy-fault-abort-request': '429', 'x-envoy-fault-abort-request-percentage': '100' })).toBe(
        FaultDecision.Pass,
      );
    });
  });

  it('rejects bad configurations with a RangeError', () => {
    const rng = new ScriptedRng([]);
    expect(() => new FaultFilter(rng, { abort: { httpStatus: 503, percentage: 101 } })).toThrow(/0–100/);
    expect(() => new FaultFilter(rng, { abort: { httpStatus: 503, percentage: -1 } })).toThrow(RangeError);
    expect(() => new FaultFilter(rng, { abort: { httpStatus: 600, percentage: 1 } })).toThrow(/httpStatus/);
    expect(() => new FaultFilter(rng, { abort: { httpStatus: 199, percentage: 1 } })).toThrow(/httpStatus/);
    expect(() => new FaultFilter(rng, { delay: { fixedDelayMs: 0, percentage: 1 } })).toThrow(/fixedDelayMs/);
    expect(() => new FaultFilter(rng, { maxActiveFaults: -1 })).toThrow(/maxActiveFaults/);
  });

  it('statistically: 10% of 10 000 requests aborted, within the 99.9% binomial bound', () => {
    const fault = new FaultFilter(new SeededRng(7, 'fault-filter-test'), { abort: { httpStatus: 503, percentage: 10 } });
    let aborted = 0;
    for (let i = 0; i < 10_000; i++) if (fault.decide(none) === FaultDecision.Abort) aborted++;
    // mean 1000, sd sqrt(10000 · 0.1 · 0.9) = 30, two-sided 99.9% ⇒ ±3.29 sd ≈ ±99
    expect(Math.abs(aborted - 1000)).toBeLessThanOrEqual(99);
    expect(fault.abortsInjected).toBe(aborted);
  });
});
