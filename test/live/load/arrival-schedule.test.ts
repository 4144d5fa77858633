/**
 * The intended-time schedule of an open loop: a pure function of the load and the seed, so
 * two runs of the same scenario and seed plan the same arrivals (and classes), whatever the
 * system under test does.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../proxy-core/call/failure-cause.js';
import { SeededRng } from '../../../sim/seeded-rng.js';
import { ArrivalSchedule, type ArrivalRateSpec } from '../../../sim/live/load/arrival-schedule.js';
import type { LoadRequest } from '../../../sim/live/load/load-request.js';
import type { LoadDone, LoadTarget } from '../../../sim/live/load/load-target.js';
import { load, startLoad } from './load-fixture.js';

const drain = (s: ArrivalSchedule): number[] => {
  const out: number[] = [];
  for (let t = s.next(); t < Infinity; t = s.next()) out.push(t);
  return out;
};
const schedule = (input: Record<string, unknown>, seed: number): number[] =>
  drain(ArrivalSchedule.of(load(input) as ArrivalRateSpec, new SeededRng(seed).fork('load/test').fork('arrivals')));

describe('ArrivalSchedule', () => {
  const poisson = { executor: 'constant-arrival-rate', rate: '1000/s', duration: '10s', startTime: '2s' };

  it('same seed, same intended times; another seed, other times', () => {
    const a = schedule(poisson, 42);
    expect(schedule(poisson, 42)).toEqual(a);
    expect(schedule(poisson, 43)).not.toEqual(a);
    // Poisson: about rate × duration (sd √10,000 = 100), all within the window, in order.
    expect(Math.abs(a.length - 10_000)).toBeLessThan(500);
    expect(a[0]).toBeGreaterThanOrEqual(2000);
    expect(a.at(-1)!).toBeLessThan(12_000);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[i - 1]);
  });

  it('uniform arrivals are evenly spaced from the start: rate × duration exactly', () => {
    const a = schedule({ executor: 'constant-arrival-rate', rate: '200/s', duration: '1s', arrivals: 'uniform' }, 1);
    expect(a).toHaveLength(200);
    a.forEach((t, i) => expect(t).toBeCloseTo(i * 5, 9));
  });

  it('a live run plans the same arrivals and classes for the same seed, whatever the answers', async () => {
    /** Answers at once, alternately ok and 503: the schedule must not care. */
    class InstantTarget implements LoadTarget {
      private n = 0;
      send(request: LoadRequest, done: LoadDone): void {
        const outcome: Outcome = this.n++ % 2 ? 'ok' : '5xx';
        setImmediate(() => done(request, outcome, outcome === 'ok' ? 200 : 503));
      }
      cancel(): void {}
    }
    const spec = load({ executor: 'constant-arrival-rate', rate: '500/s', duration: '200ms', classes: [{ name: 'a' }, { name: 'b', weight: 2 }] });
    const plan = async (seed: number): Promise<string[]> => {
      const run = startLoad(spec, new InstantTarget(), { seed, eventLoop: false });
      await run.done;
      return run.results.sort((x, y) => x.id - y.id).map((r) => `${(r.intendedAt - run.origin).toFixed(9)} ${r.classIndex}`);
    };
    const first = await plan(9);
    expect(first.length).toBeGreaterThan(50);
    expect(await plan(9)).toEqual(first);
    expect(await plan(10)).not.toEqual(first);
  });
});
