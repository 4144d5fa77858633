import type { Load } from '../scenarios/schema.js';
import { LoadRunner, type EntryMetrics } from './load-runner.js';
import { RateSchedule } from './rate-schedule.js';
import type { World } from './world.js';

type ArrivalRate = Extract<Load, { executor: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;

/**
 * k6's open-model executors, `constant-arrival-rate` and `ramping-arrival-rate`: requests
 * start on schedule whatever the responses do, so a stall cannot hide behind a slow client
 * (no coordinated omission). With `maxVUs`, an arrival finding that many requests in flight
 * is dropped and counted (k6's `dropped_iterations`).
 */
export class ArrivalRateLoad extends LoadRunner {
  private readonly schedule: RateSchedule;
  private readonly poisson: boolean;
  private readonly maxInFlight: number;
  private cumulative = 0;

  constructor(name: string, spec: ArrivalRate, world: World, entry: EntryMetrics) {
    super(name, spec, world, entry);
    this.schedule =
      spec.executor === 'constant-arrival-rate'
        ? new RateSchedule(spec.startTime, spec.rate, [{ duration: spec.duration, target: spec.rate }])
        : new RateSchedule(spec.startTime, spec.startRate, spec.stages);
    this.poisson = spec.arrivals === 'poisson';
    this.maxInFlight = spec.maxVUs ?? Infinity;
  }

  start(): void {
    if (this.poisson) this.cumulative = this.unitGap();
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const at = this.schedule.timeAt(this.cumulative);
    if (at >= this.schedule.endMs) return;
    this.world.clock.schedule(at - this.world.clock.now(), this.arrive, at);
  }

  private readonly arrive = (intendedAt: number): void => {
    this.cumulative += this.poisson ? this.unitGap() : 1;
    this.scheduleNext();
    if (this.inFlight >= this.maxInFlight) this.dropped++;
    else this.send(intendedAt);
  };

  private unitGap(): number {
    return -Math.log(1 - this.rng.next());
  }
}
