import { ArrivalSchedule, type ArrivalRateSpec } from './arrival-schedule.js';
import { LiveLoad, type LiveLoadOptions } from './live-load.js';
import { WakeUp } from './wake-up.js';

/**
 * k6's open-model executors (`constant-arrival-rate`, `ramping-arrival-rate`) on real time,
 * sending as wrk2 does: one wake-up at a time, never early; each wake-up sends every arrival
 * whose intended time has passed, so after a stall the generator catches up at once instead
 * of drifting. Latency counts from the intended time, so a slow system (or a slow generator)
 * cannot hide behind late sends. An arrival that finds `maxVUs` requests in flight is
 * dropped and counted (k6's `dropped_iterations`).
 */
export class OpenLoopLoad extends LiveLoad {
  private readonly schedule: ArrivalSchedule;
  private readonly maxInFlight: number;
  private readonly wake: WakeUp;
  private readonly gracefulStopMs: number;
  /** The next arrival's intended time (clock ms); Infinity once the schedule is spent. */
  private nextAt = Infinity;
  private windowEndAt = 0;

  constructor(spec: ArrivalRateSpec, options: LiveLoadOptions) {
    super(spec, options);
    this.schedule = ArrivalSchedule.of(spec, options.rng.fork('arrivals'));
    this.maxInFlight = spec.maxVUs ?? Infinity;
    this.gracefulStopMs = spec.gracefulStop;
    this.wake = new WakeUp(this.clock, this.tick, options.spinMs ?? 0);
  }

  protected begin(): void {
    this.windowEndAt = this.origin + this.schedule.endMs;
    this.stats.window(this.origin + this.schedule.startMs, this.windowEndAt);
    this.nextAt = this.origin + this.schedule.next();
    this.wake.at(Math.min(this.nextAt, this.windowEndAt));
  }

  protected halt(now: number): void {
    this.wake.cancel();
    // Arrivals already due but not yet taken were planned, and are not sent.
    while (this.nextAt <= now) {
      this.stats.planned++;
      this.nextAt = this.origin + this.schedule.next();
    }
    this.nextAt = Infinity;
  }

  protected isOpenLoop(): boolean {
    return true;
  }

  private readonly tick = (): void => {
    if (!this.running) return;
    const now = this.clock.now();
    while (this.nextAt <= now) {
      this.arrive(this.nextAt);
      this.nextAt = this.origin + this.schedule.next();
    }
    if (this.nextAt < Infinity) this.wake.at(this.nextAt);
    else if (now < this.windowEndAt) this.wake.at(this.windowEndAt);
    else this.endArrivals(this.windowEndAt + this.gracefulStopMs);
  };

  /** One arrival intended at `intendedAt`: its class is drawn whether it is sent or dropped. */
  private arrive(intendedAt: number): void {
    this.stats.planned++;
    const classIndex = this.classes.pick();
    if (this.inFlight.size >= this.maxInFlight) this.stats.dropped++;
    else this.send(classIndex, intendedAt);
  }
}
