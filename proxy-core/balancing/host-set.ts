import type { Clock } from '../clock/clock.js';

// Linkerd: tower PeakEwma (linkerd2-proxy balance) — default_rtt 30 ms, decay 10 s

/** Linkerd's `default_rtt`: the estimate of a host before its first response, in ms. */
export const DEFAULT_PEAK_EWMA_RTT_MS = 30;
/** Linkerd's `decay`: the time constant of the peak-EWMA estimate, in ms. */
export const DEFAULT_PEAK_EWMA_DECAY_MS = 10_000;

/** Peak-EWMA parameters, as Linkerd's balancer (tower `PeakEwma`) names them. */
export interface PeakEwmaOptions {
  /** `default_rtt` in ms: the estimate before any response. Default {@link DEFAULT_PEAK_EWMA_RTT_MS}. */
  readonly defaultRttMs?: number;
  /** `decay` in ms: the EWMA time constant. Default {@link DEFAULT_PEAK_EWMA_DECAY_MS}. */
  readonly decayMs?: number;
}

/** {@link PeakEwmaOptions} with the defaults filled in. */
export type PeakEwmaConfig = Required<PeakEwmaOptions>;

/**
 * Validates `options` and fills in Linkerd's defaults.
 *
 * @throws RangeError if `defaultRttMs` or `decayMs` is not a positive finite number.
 */
export function resolvePeakEwma(options: PeakEwmaOptions = {}): PeakEwmaConfig {
  const defaultRttMs = options.defaultRttMs ?? DEFAULT_PEAK_EWMA_RTT_MS;
  const decayMs = options.decayMs ?? DEFAULT_PEAK_EWMA_DECAY_MS;
  if (!(defaultRttMs > 0) || !Number.isFinite(defaultRttMs)) {
    throw new RangeError(`peak EWMA: default_rtt must be a positive number of milliseconds, got ${defaultRttMs}`);
  }
  if (!(decayMs > 0) || !Number.isFinite(decayMs)) {
    throw new RangeError(`peak EWMA: decay must be a positive number of milliseconds, got ${decayMs}`);
  }
  return { defaultRttMs, decayMs };
}

/** One upstream host as the scenario describes it. */
export interface HostSpec {
  /** The host's zone (locality), an index the scenario layer assigns. */
  readonly zone: number;
  /** Envoy `load_balancing_weight`: a positive number, default 1. */
  readonly weight?: number;
}

/**
 * The upstream hosts of one service as one caller's proxy sees them: zone, weight, health
 * (driven by outlier detection or failure accrual), requests outstanding from this caller,
 * and Linkerd's peak-EWMA latency estimate. Hosts are indices `0 … size-1`; per-host state
 * lives in typed arrays, and every per-attempt method is allocation-free.
 *
 * Health changes bump {@link HostSet.healthVersion}, so balancers rebuild their index lists
 * only when health changed.
 */
export class HostSet {
  /** Number of hosts. */
  readonly size: number;
  /** The resolved peak-EWMA parameters. */
  readonly ewma: PeakEwmaConfig;
  /** Incremented on every change of a host's health. */
  healthVersion = 0;
  /** Hosts currently healthy. */
  healthyCount: number;
  /** `true` when every host has the same weight (Envoy then skips the EDF schedule). */
  readonly equalWeights: boolean;
  private readonly clock: Clock;
  private readonly zones: Int32Array;
  private readonly weights: Float64Array;
  private readonly healthy: Uint8Array;
  private readonly outstanding: Int32Array;
  /** Peak-EWMA estimate (ms) as of `rttStampedAt`. */
  private readonly rttEstimate: Float64Array;
  private readonly rttStampedAt: Float64Array;

  /**
   * Creates the set with every host healthy, no request outstanding, and each estimate at
   * `default_rtt` as of `clock.now()` (tower starts an endpoint's estimate at its creation).
   *
   * @throws RangeError if a zone is not a non-negative integer, a weight is not a positive
   * finite number, or the EWMA options are invalid.
   */
  constructor(hosts: readonly HostSpec[], clock: Clock, ewma?: PeakEwmaOptions) {
    this.ewma = resolvePeakEwma(ewma);
    this.clock = clock;
    const n = hosts.length;
    this.size = n;
    this.healthyCount = n;
    this.zones = new Int32Array(n);
    this.weights = new Float64Array(n);
    this.healthy = new Uint8Array(n).fill(1);
    this.outstanding = new Int32Array(n);
    this.rttEstimate = new Float64Array(n).fill(this.ewma.defaultRttMs);
    this.rttStampedAt = new Float64Array(n).fill(clock.now());
    let equal = true;
    for (let h = 0; h < n; h++) {
      const { zone, weight = 1 } = hosts[h];
      if (!Number.isSafeInteger(zone) || zone < 0) throw new RangeError(`host ${h}: zone must be a non-negative integer, got ${zone}`);
      if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`host ${h}: weight must be a positive number, got ${weight}`);
      this.zones[h] = zone;
      this.weights[h] = weight;
      if (weight !== this.weights[0]) equal = false;
    }
    this.equalWeights = equal;
  }

  /** The host's zone. */
  zone(h: number): number {
    return this.zones[h];
  }

  /** The host's load-balancing weight. */
  weight(h: number): number {
    return this.weights[h];
  }

  /** Whether the host is healthy (not ejected, not shut by failure accrual). */
  isHealthy(h: number): boolean {
    return this.healthy[h] === 1;
  }

  /** Marks the host healthy or not; outlier detection and failure accrual call this. */
  setHealthy(h: number, healthy: boolean): void {
    const value = healthy ? 1 : 0;
    if (this.healthy[h] === value) return;
    this.healthy[h] = value;
    this.healthyCount += healthy ? 1 : -1;
    this.healthVersion++;
  }

  /** Requests outstanding from this caller to the host (Envoy `rq_active`, tower's pending). */
  active(h: number): number {
    return this.outstanding[h];
  }

  /** An attempt was sent to the host. */
  attemptStarted(h: number): void {
    this.outstanding[h]++;
  }

  /**
   * An attempt to the host ended after `rttMs` (response or error): one fewer outstanding,
   * and the peak-EWMA estimate takes the sample. Peak semantics (tower `RttEstimate::update`):
   * a sample above the estimate replaces it; otherwise, with Δt since the last update,
   * `estimate ← estimate·e^(−Δt/decay) + sample·(1 − e^(−Δt/decay))`.
   */
  attemptEnded(h: number, rttMs: number): void {
    if (this.outstanding[h] > 0) this.outstanding[h]--;
    const now = this.clock.now();
    const estimate = this.rttEstimate[h];
    if (rttMs > estimate) {
      this.rttEstimate[h] = rttMs;
    } else {
      const decay = Math.exp(-(now - this.rttStampedAt[h]) / this.ewma.decayMs);
      this.rttEstimate[h] = estimate * decay + rttMs * (1 - decay);
    }
    this.rttStampedAt[h] = now;
  }

  /**
   * The host's peak-EWMA estimate in ms, with the decay since its last update projected to
   * now: `estimate · e^(−Δt/decay)`. Reading changes nothing (tower stores the decayed value
   * on read; here the estimate does not depend on how often a balancer looked).
   */
  rttEstimateMs(h: number): number {
    return this.rttEstimate[h] * Math.exp(-(this.clock.now() - this.rttStampedAt[h]) / this.ewma.decayMs);
  }

  /** Linkerd's load metric: `rtt_estimate × (pending + 1)`, the estimate projected to now. */
  peakEwmaCost(h: number): number {
    return this.rttEstimateMs(h) * (this.outstanding[h] + 1);
  }
}
