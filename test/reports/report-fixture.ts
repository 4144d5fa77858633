/** Run reports for summary and output tests. */
import { FAILURE_CAUSES } from '../../proxy-core/call/failure-cause.js';
import type { FailureCause } from '../../proxy-core/call/failure-cause.js';
import { REPORT_SCHEMA } from '../../reports/report.js';
import type { CallStats, EdgeStats, FaultRecovery, RunReport, ServiceStats, ThresholdResult, WindowFigures, WindowStats } from '../../reports/report.js';

/** Call stats with the given counts; unlisted causes are 0. */
export function callStats(requests: number, ok: number, errors: Partial<Record<FailureCause, number>> = {}, p99 = 120): CallStats {
  return {
    requests,
    ok,
    errors: { ...(Object.fromEntries(FAILURE_CAUSES.map((c) => [c, 0])) as Record<FailureCause, number>), ...errors },
    error_details: {},
    attempts: requests,
    retries: 0,
    amplification: requests > 0 ? 1 : 0,
    latency_ms: { mean: 20, p50: 12.5, p90: 60, p99, p999: 900, max: 2500 },
    timeseries: { resolution_ms: 1000, requests: [requests], ok: [ok], errors: [requests - ok], p50_ms: [12.5], p99_ms: [p99], attempts: [requests] },
  };
}

function edgeStats(stats: CallStats): EdgeStats {
  return { ...stats, policy: { retries_denied: 0, retry_overflow: 0, retry_buffer_overflow: 0, hedges: 0, rejected: 0, no_healthy_host: 0, cancelled: 0, ejections: 0, breaker_opened: 0 } };
}

function serviceStats(stats: CallStats): ServiceStats {
  return { ...stats, instances: 2, active: { from_ms: 0, to_ms: 300_000 }, utilization: 0.5, mean_in_system: 3, mean_sojourn_ms: 20, throughput_per_s: 40 };
}

/** A small report: entry into checkout, checkout calling payments and inventory. */
export function sampleReport(thresholds: ThresholdResult[] = []): RunReport {
  return {
    schema: REPORT_SCHEMA,
    scenario: { name: 'checkout-cascade', description: 'a payments slowdown', file: 'scenarios/checkout.yaml', sha256: 'ab'.repeat(32) },
    mode: 'sim',
    seed: 42,
    engine: { events: 1_234_567, simulated_ms: 300_000, wall_ms: 2_500 },
    entry: callStats(12_000, 11_648, { timeout: 312, overflow: 40 }),
    load: { shoppers: { executor: 'constant-arrival-rate', target: 'checkout', requests: 12_000, dropped: 0, interrupted: 0 } },
    services: {
      checkout: serviceStats(callStats(12_000, 11_648, { timeout: 312, overflow: 40 })),
      payments: serviceStats(callStats(11_900, 11_400, { '5xx': 100, timeout: 400, reset: 2, tls: 1 }, 480)),
      inventory: serviceStats(callStats(0, 0)),
    },
    edges: {
      'checkout->payments': edgeStats(callStats(11_900, 11_400, { '5xx': 100, timeout: 400 })),
      'checkout->inventory': edgeStats(callStats(0, 0)),
    },
    events: [],
    events_dropped: 0,
    recovery: [],
    thresholds,
    ok: thresholds.every((t) => t.ok),
  };
}

/** Window stats of `requests` with `ok` successes and a p99 (null figures without requests). */
export function windowStats(requests: number, ok: number, p99_ms: number): WindowStats {
  return requests === 0 ? { requests, ok, success: null, p99_ms: null } : { requests, ok, success: ok / requests, p99_ms };
}

const STEADY: WindowFigures = { before: windowStats(6000, 6000, 100), during: windowStats(6000, 5400, 900), after: windowStats(6000, 5994, 110) };

/**
 * A slowdown of payments from 1m to 1m 30s, which checkout calls, recovered 4 s after it
 * ended; its windows at a 1 s resolution.
 */
export function faultRecovery(overrides: Partial<FaultRecovery> = {}): FaultRecovery {
  return {
    fault: 0,
    kind: 'slowdown',
    target: 'payments',
    start_ms: 60_000,
    end_ms: 90_000,
    status: 'recovered',
    baseline: { requests: 6000, success: 1, p99_ms: 100 },
    recovery_ms: 4000,
    recovered: true,
    windows: {
      spans: { before: { from_ms: 0, to_ms: 60_000 }, during: { from_ms: 60_000, to_ms: 90_000 }, after: { from_ms: 90_000, to_ms: 150_000 } },
      entry: STEADY,
      services: { checkout: STEADY, payments: { ...STEADY, during: windowStats(6000, 3000, 2500) } },
    },
    ...overrides,
  };
}
