// Envoy: outlier_detection.proto (config.cluster.v3.OutlierDetection) and
// source/common/upstream/outlier_detection_impl.cc (DetectorImpl, DetectorHostMonitorImpl),
// with Istio's DestinationRule mapping (pilot/pkg/networking/core/cluster_traffic_policy.go,
// applyOutlierDetection). Non-split mode only (split_external_local_origin_errors = false).

import type { Clock, TimerHandle } from '../clock/clock.js';
import type { Outcome } from '../call/failure-cause.js';
import type { PolicyEventSink } from './policy-event.js';
import { ignoreEvents } from './policy-event.js';
import type { Rng } from '../clock/rng.js';

/** Envoy: `config.cluster.v3.OutlierDetection` (durations in ms, percentages in [0, 100]). */
export interface OutlierDetectionConfig {
  /** `consecutive_5xx`: consecutive 5xx (local-origin failures included) that eject; 0 never fires. */
  consecutive5xx: number;
  /** `enforcing_consecutive_5xx`: % chance a consecutive-5xx detection ejects. */
  enforcingConsecutive5xx: number;
  /** `consecutive_gateway_failure`: consecutive 502/503/504 (local-origin failures included) that eject. */
  consecutiveGatewayFailure: number;
  /** `enforcing_consecutive_gateway_failure`: % chance a gateway-failure detection ejects (Envoy default 0: off). */
  enforcingConsecutiveGatewayFailure: number;
  /** `interval`: time between ejection sweeps, > 0. */
  intervalMs: number;
  /** `base_ejection_time`: ejection time per time ejected in a row, > 0. */
  baseEjectionTimeMs: number;
  /** `max_ejection_time`: cap on the ejection time, ≥ baseEjectionTimeMs; default max(300 s, base). */
  maxEjectionTimeMs: number;
  /** `max_ejection_time_jitter`: up to this much (whole ms, uniform) is added to each ejection. */
  maxEjectionTimeJitterMs: number;
  /** `max_ejection_percent`: an ejection is allowed iff 100·(ejected + 1)/hosts ≤ this. */
  maxEjectionPercent: number;
  /** `always_eject_one_host` (Envoy ≥ 1.31): allow one ejection whatever maxEjectionPercent says. */
  alwaysEjectOneHost: boolean;
  /** `success_rate_minimum_hosts`: hosts with enough volume needed for success-rate detection. */
  successRateMinimumHosts: number;
  /** `success_rate_request_volume`: requests a host needs in an interval to take part. */
  successRateRequestVolume: number;
  /** `success_rate_stdev_factor`: threshold = mean − (factor/1000)·stdev. */
  successRateStdevFactor: number;
  /** `enforcing_success_rate`: % chance a success-rate detection ejects. */
  enforcingSuccessRate: number;
  /** `failure_percentage_threshold`: a host failing at least this % of its interval's requests is an outlier. */
  failurePercentageThreshold: number;
  /** `failure_percentage_minimum_hosts`: hosts with enough volume needed for failure-percentage detection. */
  failurePercentageMinimumHosts: number;
  /** `failure_percentage_request_volume`: requests a host needs in an interval to take part. */
  failurePercentageRequestVolume: number;
  /** `enforcing_failure_percentage`: % chance a failure-percentage detection ejects (Envoy default 0: off). */
  enforcingFailurePercentage: number;
}

/** {@link OutlierDetectionConfig} with every field optional. */
export type OutlierDetectionOptions = Partial<OutlierDetectionConfig>;

/** Envoy's defaults (outlier_detection.proto). `maxEjectionTimeMs` here is for the default base; see {@link resolveOutlierDetection}. */
export const DEFAULT_OUTLIER_DETECTION: Readonly<OutlierDetectionConfig> = Object.freeze({
  consecutive5xx: 5,
  enforcingConsecutive5xx: 100,
  consecutiveGatewayFailure: 5,
  enforcingConsecutiveGatewayFailure: 0,
  intervalMs: 10_000,
  baseEjectionTimeMs: 30_000,
  maxEjectionTimeMs: 300_000,
  maxEjectionTimeJitterMs: 0,
  maxEjectionPercent: 10,
  alwaysEjectOneHost: false,
  successRateMinimumHosts: 5,
  successRateRequestVolume: 100,
  successRateStdevFactor: 1900,
  enforcingSuccessRate: 100,
  failurePercentageThreshold: 85,
  failurePercentageMinimumHosts: 5,
  failurePercentageRequestVolume: 50,
  enforcingFailurePercentage: 0,
});

/**
 * What Istio generates for a DestinationRule `outlierDetection` block with nothing set: Envoy's
 * defaults with `enforcing_success_rate` forced to 0 (Istio turns success-rate ejection off).
 * Istio's fields map as: `consecutive5xxErrors: n` → consecutive5xx n with enforcing 100 (0 if
 * n = 0); `consecutiveGatewayErrors: n` → consecutiveGatewayFailure n with enforcing 100 (0 if
 * n = 0); `interval`, `baseEjectionTime`, `maxEjectionPercent` (when > 0) → the same fields.
 * `minHealthPercent` is Envoy's panic threshold, a load-balancer setting, not this detector's.
 */
export const ISTIO_OUTLIER_DETECTION_DEFAULTS: Readonly<OutlierDetectionConfig> = Object.freeze({
  ...DEFAULT_OUTLIER_DETECTION,
  enforcingSuccessRate: 0,
});

const PERCENT_FIELDS = [
  'enforcingConsecutive5xx',
  'enforcingConsecutiveGatewayFailure',
  'maxEjectionPercent',
  'enforcingSuccessRate',
  'failurePercentageThreshold',
  'enforcingFailurePercentage',
] as const;

const COUNT_FIELDS = [
  'consecutive5xx',
  'consecutiveGatewayFailure',
  'successRateMinimumHosts',
  'successRateRequestVolume',
  'successRateStdevFactor',
  'failurePercentageMinimumHosts',
  'failurePercentageRequestVolume',
] as const;

/**
 * Fills Envoy's defaults (`max_ejection_time` defaults to max(300 s, base_ejection_time)) and
 * checks the values as Envoy's proto validation and `DetectorImpl::create` do.
 *
 * @throws RangeError on a value out of range.
 */
export function resolveOutlierDetection(options: OutlierDetectionOptions = {}): OutlierDetectionConfig {
  const d = DEFAULT_OUTLIER_DETECTION;
  const base = options.baseEjectionTimeMs ?? d.baseEjectionTimeMs;
  const config: OutlierDetectionConfig = {
    ...d,
    ...definedOnly(options),
    baseEjectionTimeMs: base,
    maxEjectionTimeMs: options.maxEjectionTimeMs ?? Math.max(d.maxEjectionTimeMs, base),
  };
  for (const key of PERCENT_FIELDS) {
    if (!(config[key] >= 0 && config[key] <= 100)) throw new RangeError(`outlier detection ${key} must be in [0, 100], got ${config[key]}`);
  }
  for (const key of COUNT_FIELDS) {
    if (!Number.isSafeInteger(config[key]) || config[key] < 0) {
      throw new RangeError(`outlier detection ${key} must be an integer >= 0, got ${config[key]}`);
    }
  }
  for (const key of ['intervalMs', 'baseEjectionTimeMs', 'maxEjectionTimeMs'] as const) {
    if (!(config[key] > 0 && Number.isFinite(config[key]))) throw new RangeError(`outlier detection ${key} must be a finite number > 0, got ${config[key]}`);
  }
  if (config.maxEjectionTimeMs < config.baseEjectionTimeMs) {
    throw new RangeError(
      `outlier detection maxEjectionTimeMs (${config.maxEjectionTimeMs}) cannot be smaller than baseEjectionTimeMs (${config.baseEjectionTimeMs})`,
    );
  }
  if (!Number.isSafeInteger(config.maxEjectionTimeJitterMs) || config.maxEjectionTimeJitterMs < 0) {
    throw new RangeError(`outlier detection maxEjectionTimeJitterMs must be an integer >= 0, got ${config.maxEjectionTimeJitterMs}`);
  }
  return config;
}

/** `options` without its undefined fields, so that spreading it keeps the defaults. */
function definedOnly(options: OutlierDetectionOptions): OutlierDetectionOptions {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value !== undefined) out[key] = value;
  return out as OutlierDetectionOptions;
}

/**
 * Envoy's outlier detection for the hosts of one cluster (non-split mode).
 *
 * **Results** ({@link OutlierDetector.onResult}): a response's status counts as is. No
 * response (status 0) is a local-origin failure mapped as Envoy's `resultToHttpCode` does:
 * `timeout` ⇒ 504, `reset` / `connect-failure` / `tls` ⇒ 503, `5xx` ⇒ 500, so they are both
 * 5xx and gateway failures. Other outcomes with status 0 (`overflow`, `breaker-open`,
 * `rate-limited`, `budget-exhausted`, `ejected`, `authz-denied`, …) were decided locally and
 * never reached the host: they are ignored.
 *
 * **Consecutive detection**, inline: a 5xx increments the 5xx count, a 502–504 the gateway
 * count (another 5xx resets the gateway count), anything else resets both. When a count
 * *reaches* its threshold (Envoy compares with `==`) on a host that is in, that count is
 * reset and the host is ejected if allowed and enforced (onConsecutiveErrorWorker; on an
 * ejected host nothing happens and the count runs on until the host returns).
 *
 * **Ejection** is allowed iff `100 · (ejected + 1) / hosts ≤ maxEjectionPercent`, or
 * `alwaysEjectOneHost` and nothing is ejected (Envoy `DetectorImpl::ejectHost`). With the
 * default 10 % that means fewer than 10 hosts eject nothing. It is enforced with probability
 * `enforcing…` % (one `rng.int(100)` draw, skipped at 0 and 100). The host's multiplier
 * grows by one (while `multiplier · base < max + base`) and it stays out for
 * `min(base · multiplier, max) + jitter`.
 *
 * **Sweep**, every `intervalMs` from construction (as Envoy's interval timer), in Envoy's
 * order: 1. hosts whose ejection time has passed return, so a host returns at the first sweep
 * at or after its ejection time, not at the exact time; 2. success-rate and failure-percentage
 * detection over the interval's per-host counts, skipping ejected hosts (success rate: hosts
 * with ≥ requestVolume requests; if at least minimumHosts qualify, eject those below
 * `mean − stdevFactor/1000 · stdev`; failure percentage: eject those failing ≥ threshold %);
 * 3. each host that is in and returned at least an interval ago has its multiplier decreased
 * by one; 4. the counts restart. The sweep timer is armed only while a sweep could change
 * something (counts to evaluate, hosts ejected, multipliers to decay), at the same instants,
 * so a quiet detector leaves the clock's queue empty.
 */
export class OutlierDetector {
  /** The configuration in force. */
  readonly config: Readonly<OutlierDetectionConfig>;
  /** Number of hosts; hosts are numbered 0 … hostCount − 1. */
  readonly hostCount: number;
  /** Ejections carried out (Envoy `ejections_enforced_total`). */
  ejectionsEnforced = 0;
  /** Ejections refused by maxEjectionPercent (Envoy `ejections_overflow`). */
  ejectionsOverflow = 0;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private readonly onEvent: PolicyEventSink;
  private readonly c: OutlierDetectionConfig;
  private readonly origin: number;
  private readonly ejected: Uint8Array;
  private readonly consecutive5xxCounts: Uint32Array;
  private readonly gatewayCounts: Uint32Array;
  private readonly requests: Float64Array;
  private readonly successes: Float64Array;
  private readonly multipliers: Uint32Array;
  private readonly ejectedAt: Float64Array;
  /** NaN until the host first returns (Envoy's empty `lastUnejectionTime`). */
  private readonly returnedAt: Float64Array;
  private readonly jitters: Float64Array;
  private readonly successRates: Float64Array;
  private readonly successRateHosts: Int32Array;
  private readonly failurePercentageHosts: Int32Array;
  private ejectedHosts = 0;
  private timer: TimerHandle = 0;
  private timerArmed = false;
  private stopped = false;

  /**
   * @param clock - time and the sweep timer.
   * @param rng - draws for enforcement below 100 % and for ejection jitter.
   * @param hostCount - number of hosts, an integer ≥ 0.
   * @param options - Envoy's fields; defaults {@link DEFAULT_OUTLIER_DETECTION}.
   * @param onEvent - receives host-ejected / host-returned.
   * @throws RangeError on a bad hostCount or config.
   */
  constructor(clock: Clock, rng: Rng, hostCount: number, options: OutlierDetectionOptions = {}, onEvent: PolicyEventSink = ignoreEvents) {
    if (!Number.isSafeInteger(hostCount) || hostCount < 0) {
      throw new RangeError(`outlier detection hostCount must be an integer >= 0, got ${hostCount}`);
    }
    this.c = resolveOutlierDetection(options);
    this.config = Object.freeze({ ...this.c });
    this.hostCount = hostCount;
    this.clock = clock;
    this.rng = rng;
    this.onEvent = onEvent;
    this.origin = clock.now();
    this.ejected = new Uint8Array(hostCount);
    this.consecutive5xxCounts = new Uint32Array(hostCount);
    this.gatewayCounts = new Uint32Array(hostCount);
    this.requests = new Float64Array(hostCount);
    this.successes = new Float64Array(hostCount);
    this.multipliers = new Uint32Array(hostCount);
    this.ejectedAt = new Float64Array(hostCount);
    this.returnedAt = new Float64Array(hostCount).fill(Number.NaN);
    this.jitters = new Float64Array(hostCount);
    this.successRates = new Float64Array(hostCount);
    this.successRateHosts = new Int32Array(hostCount);
    this.failurePercentageHosts = new Int32Array(hostCount);
  }

  /** Hosts ejected now (Envoy gauge `ejections_active`). */
  get ejectedCount(): number {
    return this.ejectedHosts;
  }

  /** Whether `host` is ejected (the load balancer skips it unless in panic). */
  isEjected(host: number): boolean {
    return this.ejected[host] === 1;
  }

  /** A result from `host`: the response status, or 0 with the outcome when no response came. */
  onResult(host: number, status: number, outcome: Outcome): void {
    let code = status;
    if (code === 0) {
      if (outcome === 'timeout') code = 504;
      else if (outcome === 'reset' || outcome === 'connect-failure' || outcome === 'tls') code = 503;
      else if (outcome === '5xx') code = 500;
      else return;
    }
    this.requests[host]++;
    if (code >= 500 && code < 600) {
      if (code >= 502 && code <= 504) {
        if (++this.gatewayCounts[host] === this.c.consecutiveGatewayFailure && this.ejected[host] === 0) {
          this.gatewayCounts[host] = 0;
          this.eject(host, this.c.enforcingConsecutiveGatewayFailure);
        }
      } else {
        this.gatewayCounts[host] = 0;
      }
      if (++this.consecutive5xxCounts[host] === this.c.consecutive5xx && this.ejected[host] === 0) {
        this.consecutive5xxCounts[host] = 0;
        this.eject(host, this.c.enforcingConsecutive5xx);
      }
    } else {
      this.successes[host]++;
      this.consecutive5xxCounts[host] = 0;
      this.gatewayCounts[host] = 0;
    }
    if (!this.timerArmed) this.armSweep();
  }

  /** Cancels the sweep timer and arms no other: ejected hosts stay ejected (end of run). */
  stop(): void {
    this.stopped = true;
    if (this.timerArmed) {
      this.timerArmed = false;
      this.clock.cancel(this.timer);
    }
  }

  /** DetectorImpl::ejectHost. */
  private eject(host: number, enforcing: number): void {
    if (this.ejected[host] === 1) return;
    const allowed =
      (100 * (this.ejectedHosts + 1)) / this.hostCount <= this.c.maxEjectionPercent ||
      (this.c.alwaysEjectOneHost && this.ejectedHosts === 0);
    if (!allowed) {
      this.ejectionsOverflow++;
      return;
    }
    if (!this.enforced(enforcing)) return;
    const now = this.clock.now();
    this.ejected[host] = 1;
    this.ejectedHosts++;
    this.ejectionsEnforced++;
    this.ejectedAt[host] = now;
    const maxJitter = this.c.maxEjectionTimeJitterMs;
    this.jitters[host] = maxJitter > 0 ? this.rng.int(maxJitter + 1) : 0;
    const base = this.c.baseEjectionTimeMs;
    if (this.multipliers[host] * base < this.c.maxEjectionTimeMs + base) this.multipliers[host]++;
    this.onEvent('host-ejected', host, now);
    if (!this.timerArmed) this.armSweep();
  }

  /** Runtime `featureEnabled(key, percent)`: true with probability percent/100. */
  private enforced(percent: number): boolean {
    if (percent >= 100) return true;
    if (percent <= 0) return false;
    return this.rng.int(100) < percent;
  }

  /** Arms the sweep at the next interval boundary strictly after now. */
  private armSweep(): void {
    if (this.stopped) return;
    const interval = this.c.intervalMs;
    const now = this.clock.now();
    let next = this.origin + (Math.floor((now - this.origin) / interval) + 1) * interval;
    // Rounding can land the boundary on now itself; the sweep that runs now must arm the next one.
    if (next - now < 1e-6) next += interval;
    this.timer = this.clock.scheduleBackground(next - now, OutlierDetector.onSweepTimer, this);
    this.timerArmed = true;
  }

  private static onSweepTimer(detector: OutlierDetector): void {
    detector.timerArmed = false;
    detector.sweep();
  }

  /** DetectorImpl::onIntervalTimer. */
  private sweep(): void {
    const now = this.clock.now();
    const n = this.hostCount;
    for (let host = 0; host < n; host++) this.returnIfDue(host, now);
    this.detectStatisticalOutliers();
    let decaying = false;
    const interval = this.c.intervalMs;
    for (let host = 0; host < n; host++) {
      if (this.ejected[host] === 1 || this.multipliers[host] === 0) continue;
      if (now - this.returnedAt[host] >= interval) this.multipliers[host]--; // false while returnedAt is NaN
      if (this.multipliers[host] > 0) decaying = true;
    }
    this.requests.fill(0);
    this.successes.fill(0);
    if (!this.timerArmed && (this.ejectedHosts > 0 || decaying)) this.armSweep();
  }

  /** DetectorImpl::checkHostForUneject. */
  private returnIfDue(host: number, now: number): void {
    if (this.ejected[host] === 0) return;
    const ejection = Math.min(this.c.baseEjectionTimeMs * this.multipliers[host], this.c.maxEjectionTimeMs) + this.jitters[host];
    if (ejection > now - this.ejectedAt[host]) return;
    this.ejected[host] = 0;
    this.ejectedHosts--;
    this.consecutive5xxCounts[host] = 0;
    this.gatewayCounts[host] = 0;
    this.returnedAt[host] = now;
    this.onEvent('host-returned', host, now);
  }

  /** DetectorImpl::processSuccessRateEjections (external origin) over this interval's counts. */
  private detectStatisticalOutliers(): void {
    const c = this.c;
    const n = this.hostCount;
    if (n < c.successRateMinimumHosts && n < c.failurePercentageMinimumHosts) return;
    let srCount = 0;
    let fpCount = 0;
    let sum = 0;
    for (let host = 0; host < n; host++) {
      const total = this.requests[host];
      if (this.ejected[host] === 1 || total === 0) continue;
      const rate = (this.successes[host] * 100) / total;
      this.successRates[host] = rate;
      if (total >= c.successRateRequestVolume) {
        this.successRateHosts[srCount++] = host;
        sum += rate;
      }
      if (total >= c.failurePercentageRequestVolume) this.failurePercentageHosts[fpCount++] = host;
    }
    if (srCount > 0 && srCount >= c.successRateMinimumHosts) {
      const mean = sum / srCount;
      let variance = 0;
      for (let i = 0; i < srCount; i++) {
        const deviation = this.successRates[this.successRateHosts[i]] - mean;
        variance += deviation * deviation;
      }
      const threshold = mean - (c.successRateStdevFactor / 1000) * Math.sqrt(variance / srCount);
      for (let i = 0; i < srCount; i++) {
        const host = this.successRateHosts[i];
        if (this.successRates[host] < threshold) this.eject(host, c.enforcingSuccessRate);
      }
    }
    if (fpCount > 0 && fpCount >= c.failurePercentageMinimumHosts) {
      for (let i = 0; i < fpCount; i++) {
        const host = this.failurePercentageHosts[i];
        if (100 - this.successRates[host] >= c.failurePercentageThreshold) this.eject(host, c.enforcingFailurePercentage);
      }
    }
  }
}
