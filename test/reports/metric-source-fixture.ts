/** An in-memory MetricSource over explicit samples, for threshold tests. */
import { FAILURE_CAUSES } from '../../proxy-core/call/failure-cause.js';
import type { FailureCause, Outcome } from '../../proxy-core/call/failure-cause.js';
import type { MetricSource, StatsView, TrafficSelector } from '../../reports/metric-source.js';

/** One finished request: its latency in ms and how it ended. */
export type Sample = [latencyMs: number, outcome: Outcome];

/** Stats of the samples; percentiles by nearest rank. */
export function statsOf(samples: Sample[], requests = samples.length): StatsView {
  const sorted = samples.map(([ms]) => ms).sort((a, b) => a - b);
  const errors = Object.fromEntries(FAILURE_CAUSES.map((c) => [c, 0])) as Record<FailureCause, number>;
  for (const [, outcome] of samples) if (outcome !== 'ok') errors[outcome]++;
  return {
    requests,
    ok: samples.filter(([, outcome]) => outcome === 'ok').length,
    errors,
    latency: {
      count: sorted.length,
      mean: sorted.reduce((s, x) => s + x, 0) / sorted.length,
      min: sorted[0],
      max: sorted[sorted.length - 1],
      percentile: (p) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)],
    },
  };
}

/** What the fixture source knows. */
export interface FixtureRun {
  entry: StatsView;
  services?: Record<string, StatsView>;
  edges?: Record<string, StatsView>;
  classes?: Record<string, StatsView>;
  utilization?: Record<string, number>;
  dropped?: number;
  durationMs?: number;
  /** Amplification by edge name ('' for the whole mesh). */
  amplification?: Record<string, number | null>;
  recoveryTimeMs?: number | null;
}

/** A MetricSource reading a FixtureRun. */
export function sourceOf(run: FixtureRun): MetricSource {
  return {
    stats: (selector: TrafficSelector) => {
      if (selector.service !== undefined) return run.services?.[selector.service];
      if (selector.edge !== undefined) return run.edges?.[selector.edge];
      if (selector.class !== undefined) return run.classes?.[selector.class];
      return run.entry;
    },
    utilization: (service) => run.utilization?.[service],
    amplification: (selector: TrafficSelector) => run.amplification?.[selector.edge ?? selector.service ?? ''],
    recoveryTimeMs: () => run.recoveryTimeMs ?? null,
    dropped: () => run.dropped ?? 0,
    durationMs: () => run.durationMs ?? 10_000,
  };
}
