/**
 * An arrival rate over time, piecewise linear (k6's `ramping-arrival-rate` stages; a
 * constant rate is one stage). Arrival n of a process is placed where the cumulative rate
 * Λ(t) = ∫ rate reaches the n-th point of a unit-rate process: evenly spaced points give
 * k6's regular arrivals, exponential gaps give a Poisson process (the time-change theorem).
 */
export class RateSchedule {
  private readonly segments: { start: number; end: number; from: number; to: number; before: number; area: number }[] = [];

  /**
   * @param startMs - when the first stage begins
   * @param startRate - rate at `startMs` (per ms)
   * @param stages - each ramps linearly to `target` (per ms) over `duration` (ms)
   */
  constructor(startMs: number, startRate: number, stages: readonly { duration: number; target: number }[]) {
    let t = startMs;
    let rate = startRate;
    let area = 0;
    for (const stage of stages) {
      const stageArea = ((rate + stage.target) / 2) * stage.duration;
      this.segments.push({ start: t, end: t + stage.duration, from: rate, to: stage.target, before: area, area: stageArea });
      area += stageArea;
      t += stage.duration;
      rate = stage.target;
    }
    this.endMs = t;
    this.total = area;
  }

  /** When the schedule ends (ms). */
  readonly endMs: number;
  /** Λ at the end: the expected number of arrivals. */
  readonly total: number;

  /** The time at which Λ(t) = `cumulative`; Infinity beyond the end. */
  timeAt(cumulative: number): number {
    if (cumulative > this.total) return Infinity;
    for (const s of this.segments) {
      if (cumulative > s.before + s.area) continue;
      const c = cumulative - s.before;
      const duration = s.end - s.start;
      const slope = (s.to - s.from) / duration;
      if (Math.abs(slope) < 1e-15) return s.from > 0 ? s.start + c / s.from : s.end;
      // Solve from·x + slope·x²/2 = c for x in [0, duration].
      const x = (-s.from + Math.sqrt(s.from * s.from + 2 * slope * c)) / slope;
      return s.start + Math.min(duration, Math.max(0, x));
    }
    return Infinity;
  }
}
