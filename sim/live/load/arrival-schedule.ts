import type { Rng } from '../../../proxy-core/clock/rng.js';
import type { Load } from '../../../scenarios/schema.js';
import { RateSchedule } from '../../rate-schedule.js';

/** The open-model loads: `constant-arrival-rate` and `ramping-arrival-rate`. */
export type ArrivalRateSpec = Extract<Load, { executor: 'constant-arrival-rate' | 'ramping-arrival-rate' }>;

/**
 * The intended send times of an open-model load, one after another, placed as the simulator
 * places them (sim/arrival-rate-load.ts): arrival n sits where the cumulative rate of the
 * load's {@link RateSchedule} reaches the n-th point of a unit-rate process, evenly spaced
 * (`uniform`, the first at the start) or with exponential gaps (`poisson`). Gaps come from
 * `rng` alone, so the same seed gives the same times whatever the system under test does.
 */
export class ArrivalSchedule {
  private cumulative: number;

  /**
   * @param rates - the load's rate over time (per ms), its first stage at `startMs`
   * @param startMs - when the load's window begins (ms from the run's start)
   * @param poisson - exponential gaps (`poisson`) or evenly spaced arrivals (`uniform`)
   * @param rng - the stream the gaps are drawn from (used only when `poisson`)
   */
  constructor(
    private readonly rates: RateSchedule,
    readonly startMs: number,
    private readonly poisson: boolean,
    private readonly rng: Rng,
  ) {
    this.cumulative = poisson ? this.unitGap() : 0;
  }

  /** The schedule of `spec`, its gaps drawn from `rng`. */
  static of(spec: ArrivalRateSpec, rng: Rng): ArrivalSchedule {
    const rates =
      spec.executor === 'constant-arrival-rate'
        ? new RateSchedule(spec.startTime, spec.rate, [{ duration: spec.duration, target: spec.rate }])
        : new RateSchedule(spec.startTime, spec.startRate, spec.stages);
    return new ArrivalSchedule(rates, spec.startTime, spec.arrivals === 'poisson', rng);
  }

  /** When the load's window ends (ms from the run's start). */
  get endMs(): number {
    return this.rates.endMs;
  }

  /** The expected number of arrivals (the integral of the rate over the window). */
  get expected(): number {
    return this.rates.total;
  }

  /** The next intended time (ms from the run's start); Infinity once the window is over. */
  next(): number {
    const at = this.rates.timeAt(this.cumulative);
    if (!(at < this.rates.endMs)) return Infinity;
    this.cumulative += this.poisson ? this.unitGap() : 1;
    return at;
  }

  private unitGap(): number {
    return -Math.log(1 - this.rng.next());
  }
}
