import type { Rng } from '../clock/rng.js';
import { headerValue, type Headers } from '../call/headers.js';

// Envoy: extensions/filters/http/fault/v3/fault.proto HTTPFault, in Istio's vocabulary
// (networking/v1alpha3/virtual_service.proto HTTPFaultInjection).

/** Envoy's header carrying the abort status when faults are header-controlled. */
export const FAULT_ABORT_HEADER = 'x-envoy-fault-abort-request';
/** Envoy's header carrying the abort percentage (capped by the configured one). */
export const FAULT_ABORT_PERCENTAGE_HEADER = 'x-envoy-fault-abort-request-percentage';
/** Envoy's header carrying the delay in milliseconds when faults are header-controlled. */
export const FAULT_DELAY_HEADER = 'x-envoy-fault-delay-request';
/** Envoy's header carrying the delay percentage (capped by the configured one). */
export const FAULT_DELAY_PERCENTAGE_HEADER = 'x-envoy-fault-delay-request-percentage';

/** Envoy's default `max_active_faults`: unlimited. */
export const DEFAULT_MAX_ACTIVE_FAULTS = Number.POSITIVE_INFINITY;

/** What the fault filter does to one request. */
export const enum FaultDecision {
  /** No fault: the request goes on. */
  Pass,
  /** Hold the request for {@link FaultFilter.delayMs}, then let it go on. */
  Delay,
  /** Answer at once with {@link FaultFilter.abortStatus}; the request goes no further. */
  Abort,
  /** Hold the request for {@link FaultFilter.delayMs}, then answer with {@link FaultFilter.abortStatus}. */
  DelayThenAbort,
}

/** Istio `HTTPFaultInjection.Delay`: `fixedDelay` and `percentage`. */
export interface FaultDelayConfig {
  /** `fixedDelay` in milliseconds; positive. */
  readonly fixedDelayMs: number;
  /** Share of requests delayed, 0–100. Unset ⇒ none (Istio), not all. */
  readonly percentage?: number;
}

/** Istio `HTTPFaultInjection.Abort`: `httpStatus` and `percentage`. */
export interface FaultAbortConfig {
  /** `httpStatus` of the local reply, 200–599 (Envoy's range). */
  readonly httpStatus: number;
  /** Share of requests aborted, 0–100. Unset ⇒ none (Istio), not all. */
  readonly percentage?: number;
}

/** The fault filter's configuration. */
export interface FaultFilterConfig {
  readonly delay?: FaultDelayConfig;
  readonly abort?: FaultAbortConfig;
  /** Headers that must all be present with exactly these values for a fault to apply (Envoy `headers`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Envoy `max_active_faults`: faulted requests in progress at once; default unlimited. */
  readonly maxActiveFaults?: number;
  /**
   * Envoy `header_delay` / `header_abort`: the delay (ms) and abort status come from the
   * request's `x-envoy-fault-delay-request` / `x-envoy-fault-abort-request` headers, and a
   * request without the header gets no such fault. `delay` / `abort` must still be given to
   * enable each kind; their `percentage` caps the `…-percentage` headers (read on the same
   * 0–100 scale), and their `fixedDelayMs` / `httpStatus` are not used. Default false.
   */
  readonly headerControlled?: boolean;
}

/**
 * Envoy's HTTP fault filter. For each request whose headers match: draws the delay
 * (percentage), then the abort (percentage), independently; when both hit the abort is
 * sent after the delay, as Envoy aborts in `postDelayInjection`. A fault is not injected
 * when `maxActiveFaults` faulted requests are in progress (counted in `faultsOverflow`).
 *
 * The caller calls {@link FaultFilter.faultStarted} when it injects the decided fault and
 * {@link FaultFilter.faultEnded} when that request ends (Envoy decrements `active_faults`
 * when the stream is destroyed).
 */
export class FaultFilter {
  /** Delay of the last decision that delays, in ms. */
  delayMs = 0;
  /** Status of the last decision that aborts. */
  abortStatus = 0;
  /** Requests delayed (Envoy stat `delays_injected`). */
  delaysInjected = 0;
  /** Requests aborted (Envoy stat `aborts_injected`; counted when decided, not when sent). */
  abortsInjected = 0;
  /** Faults not injected because `maxActiveFaults` were in progress (Envoy stat `faults_overflow`). */
  faultsOverflow = 0;
  /** Faulted requests in progress (Envoy gauge `active_faults`). */
  activeFaults = 0;
  /** The resolved `maxActiveFaults` (Infinity when unlimited). */
  readonly maxActiveFaults: number;

  private readonly rng: Rng;
  private readonly headerControlled: boolean;
  private readonly hasDelay: boolean;
  private readonly hasAbort: boolean;
  /** Configured percentages, 0–100 (0 when the kind is unset or its percentage is unset). */
  private readonly delayPercent: number;
  private readonly abortPercent: number;
  private readonly fixedDelayMs: number;
  private readonly httpStatus: number;
  private readonly matchNames: readonly string[];
  private readonly matchValues: readonly string[];

  /** @throws RangeError for a percentage outside 0–100, a non-positive delay, a status outside 200–599, or a bad `maxActiveFaults`. */
  constructor(rng: Rng, config: FaultFilterConfig) {
    this.rng = rng;
    this.headerControlled = config.headerControlled ?? false;
    const { delay, abort } = config;
    this.hasDelay = delay !== undefined;
    this.hasAbort = abort !== undefined;
    this.delayPercent = delay === undefined ? 0 : checkPercentage('delay', delay.percentage);
    this.abortPercent = abort === undefined ? 0 : checkPercentage('abort', abort.percentage);
    this.fixedDelayMs = 0;
    this.httpStatus = 0;
    if (delay !== undefined && !this.headerControlled) {
      if (!(delay.fixedDelayMs > 0) || !Number.isFinite(delay.fixedDelayMs)) {
        throw new RangeError(`fault filter: delay.fixedDelayMs must be a positive number, got ${delay.fixedDelayMs}`);
      }
      this.fixedDelayMs = delay.fixedDelayMs;
    }
    if (abort !== undefined && !this.headerControlled) {
      if (!isAbortStatus(abort.httpStatus)) {
        throw new RangeError(`fault filter: abort.httpStatus must be an integer in [200, 600), got ${abort.httpStatus}`);
      }
      this.httpStatus = abort.httpStatus;
    }
    const max = config.maxActiveFaults ?? DEFAULT_MAX_ACTIVE_FAULTS;
    if (max !== DEFAULT_MAX_ACTIVE_FAULTS && (!Number.isSafeInteger(max) || max < 0)) {
      throw new RangeError(`fault filter: maxActiveFaults must be a non-negative integer, got ${max}`);
    }
    this.maxActiveFaults = max;
    const headers = config.headers ?? {};
    this.matchNames = Object.keys(headers).map((name) => name.toLowerCase());
    this.matchValues = Object.values(headers);
  }

  /**
   * Decides the fault for one request. On `Delay` / `DelayThenAbort` read
   * {@link FaultFilter.delayMs}; on `Abort` / `DelayThenAbort` read {@link FaultFilter.abortStatus}.
   *
   * @param headers - the request's headers, names in lower case.
   */
  decide(headers: Headers): FaultDecision {
    if (!this.matches(headers)) return FaultDecision.Pass;
    const delayed = this.hasDelay && this.drawDelay(headers);
    if (delayed && this.hasRoom()) {
      this.delaysInjected++;
      if (this.hasAbort && this.drawAbort(headers)) {
        this.abortsInjected++;
        return FaultDecision.DelayThenAbort;
      }
      return FaultDecision.Delay;
    }
    if (this.hasAbort && this.drawAbort(headers) && this.hasRoom()) {
      this.abortsInjected++;
      return FaultDecision.Abort;
    }
    return FaultDecision.Pass;
  }

  /** A decided fault is being injected: counts it in `activeFaults`. */
  faultStarted(): void {
    this.activeFaults++;
  }

  /**
   * A faulted request has ended.
   *
   * @throws RangeError if no fault is active (an end without a start is a bug).
   */
  faultEnded(): void {
    if (this.activeFaults === 0) throw new RangeError('fault filter: faultEnded() without a matching faultStarted()');
    this.activeFaults--;
  }

  /** Envoy `headers`: every configured header present with exactly the configured value. */
  private matches(headers: Headers): boolean {
    const names = this.matchNames;
    for (let i = 0; i < names.length; i++) {
      if (headerValue(headers, names[i]) !== this.matchValues[i]) return false;
    }
    return true;
  }

  /** Envoy `tryIncActiveFaults`' check: room for one more fault, else count an overflow. */
  private hasRoom(): boolean {
    if (this.activeFaults < this.maxActiveFaults) return true;
    this.faultsOverflow++;
    return false;
  }

  /** Draws whether to delay, setting `delayMs` on a hit. */
  private drawDelay(headers: Headers): boolean {
    let percent = this.delayPercent;
    let ms = this.fixedDelayMs;
    if (this.headerControlled) {
      ms = headerNumber(headerValue(headers, FAULT_DELAY_HEADER));
      if (!(ms > 0) || !Number.isFinite(ms)) return false;
      percent = cappedPercent(headerValue(headers, FAULT_DELAY_PERCENTAGE_HEADER), percent);
    }
    if (!this.hit(percent)) return false;
    this.delayMs = ms;
    return true;
  }

  /** Draws whether to abort, setting `abortStatus` on a hit. */
  private drawAbort(headers: Headers): boolean {
    let percent = this.abortPercent;
    let status = this.httpStatus;
    if (this.headerControlled) {
      status = headerNumber(headerValue(headers, FAULT_ABORT_HEADER));
      if (!isAbortStatus(status)) return false;
      percent = cappedPercent(headerValue(headers, FAULT_ABORT_PERCENTAGE_HEADER), percent);
    }
    if (!this.hit(percent)) return false;
    this.abortStatus = status;
    return true;
  }

  /** One draw: true with probability `percent`/100 (none drawn for 0). */
  private hit(percent: number): boolean {
    if (percent <= 0) return false;
    return this.rng.next() < percent / 100;
  }
}

function checkPercentage(kind: string, percentage: number | undefined): number {
  if (percentage === undefined) return 0;
  if (!(percentage >= 0 && percentage <= 100)) {
    throw new RangeError(`fault filter: ${kind}.percentage must be within 0–100, got ${percentage}`);
  }
  return percentage;
}

function isAbortStatus(status: number): boolean {
  return Number.isInteger(status) && status >= 200 && status < 600;
}

/** A header's numeric value, NaN when absent or not a number. */
function headerNumber(value: string | undefined): number {
  return value === undefined || value === '' ? Number.NaN : Number(value);
}

/** Envoy: a `…-percentage` header replaces the configured percentage but never exceeds it. */
function cappedPercent(header: string | undefined, configured: number): number {
  const requested = headerNumber(header);
  if (!(requested >= 0)) return configured;
  return requested < configured ? requested : configured;
}
