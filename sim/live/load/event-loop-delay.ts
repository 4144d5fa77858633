import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** Event-loop delay percentiles in ms, net of the monitor's sampling interval. */
export interface EventLoopDelayStats {
  p50: number;
  p99: number;
  max: number;
}

/**
 * How late the event loop ran while a load was on, from `perf_hooks.monitorEventLoopDelay`:
 * a timer every `resolutionMs` records how late it fired. Node records the whole interval
 * plus the delay (idle p50 was 10.12 ms at a 10 ms resolution), so the resolution is taken
 * off every figure here. A load that runs long stalls here sends late (and says so in
 * its send lag).
 */
export class EventLoopDelay {
  private readonly histogram: IntervalHistogram;
  private readonly resolutionMs: number;

  /** @param resolutionMs - the sampling interval (Node's default is 10 ms; at least 1) */
  constructor(resolutionMs = 10) {
    this.resolutionMs = Math.max(1, Math.round(resolutionMs));
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
  }

  /** Starts sampling (its timer keeps running until {@link EventLoopDelay.stop}). */
  start(): void {
    this.histogram.enable();
  }

  /** Stops sampling, keeping what was recorded. */
  stop(): void {
    this.histogram.disable();
  }

  /** The delays recorded so far (zeros before the first sample). */
  stats(): EventLoopDelayStats {
    const h = this.histogram;
    if (h.count === 0) return { p50: 0, p99: 0, max: 0 };
    return { p50: this.net(h.percentile(50)), p99: this.net(h.percentile(99)), max: this.net(h.max) };
  }

  /** Nanoseconds of one sample, less the sampling interval, in ms (never negative). */
  private net(ns: number): number {
    return Math.max(0, ns / 1e6 - this.resolutionMs);
  }
}
