/**
 * A faultline load as a k6 scenario (`options.scenarios.<name>`): the same executor, rates,
 * durations and stages. k6 counts arrivals in whole iterations per `timeUnit`, so the time
 * unit is the first of 1s, 1m, 1h, 10h… in which every rate of the load is a whole number.
 * An arrival-rate scenario needs VUs to run its iterations: `maxVUs` is the load's own, else
 * enough for responses of up to {@link DEFAULT_MAX_VU_SECONDS} s at the peak rate; beyond it
 * k6 drops arrivals and counts them in `dropped_iterations`, as faultline does with `maxVUs`.
 */
import type { Load } from '../../scenarios/schema.js';
import { k6Duration } from './k6-duration.js';

/** A k6 ramping stage: ramp linearly to `target` (iterations per timeUnit, or VUs) over `duration`. */
export interface K6Stage {
  duration: string;
  target: number;
}

/** What every k6 scenario of a generated script sets. */
interface K6ScenarioBase {
  startTime: string;
  gracefulStop: string;
  /** The exported function the scenario runs. */
  exec: string;
}

/** k6's `constant-arrival-rate` executor. */
export interface K6ConstantArrivalRate extends K6ScenarioBase {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnit: string;
  duration: string;
  preAllocatedVUs: number;
  maxVUs: number;
}

/** k6's `ramping-arrival-rate` executor. */
export interface K6RampingArrivalRate extends K6ScenarioBase {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnit: string;
  stages: K6Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}

/** k6's `constant-vus` executor. */
export interface K6ConstantVus extends K6ScenarioBase {
  executor: 'constant-vus';
  vus: number;
  duration: string;
}

/** A k6 scenario as a generated script writes it. */
export type K6Scenario = K6ConstantArrivalRate | K6RampingArrivalRate | K6ConstantVus;

/** Seconds of responses at the peak rate that the default `maxVUs` covers. */
export const DEFAULT_MAX_VU_SECONDS = 10;
/** Seconds of responses at the peak rate that `preAllocatedVUs` covers (k6 starts more VUs, up to `maxVUs`, mid-run, which costs). */
export const PREALLOCATED_VU_SECONDS = 1;

/** Time units tried for a load's rates, in ms: 1s, 1m, 1h, then 10h, 100h… up to 100000h (Go's durations end near 2.5 million hours). */
const TIME_UNITS_MS = [1_000, 60_000, 3_600_000, 36_000_000, 360_000_000, 3_600_000_000, 36_000_000_000, 360_000_000_000];

/** A load as a k6 scenario, or why it cannot be one; `notes` say where k6 only approximates it. */
export type K6ScenarioResult = { scenario: K6Scenario; notes: string[] } | { problem: string };

/**
 * The k6 scenario of the load `name`.
 *
 * @param exec - the exported function its iterations run
 */
export function k6ScenarioOf(name: string, load: Load, exec: string): K6ScenarioResult {
  const base: K6ScenarioBase = { startTime: k6Duration(load.startTime), gracefulStop: k6Duration(load.gracefulStop), exec };
  if (load.executor === 'constant-vus') return { scenario: { executor: 'constant-vus', vus: load.vus, duration: k6Duration(load.duration), ...base }, notes: [] };
  const rates = load.executor === 'constant-arrival-rate' ? [load.rate] : [load.startRate, ...load.stages.map((s) => s.target)];
  const unit = timeUnitFor(rates);
  if (unit === undefined) return { problem: `load.${name}: its rates are not whole numbers of arrivals per 1s, 1m, 1h or up to 100000h, which k6's rate needs` };
  if (load.executor === 'constant-arrival-rate' && load.rate === 0) return { problem: `load.${name}.rate: 0, and k6's constant-arrival-rate needs a rate above 0` };
  const vus = arrivalVus(Math.max(...rates), load.maxVUs);
  const notes = load.arrivals === 'poisson' ? [`load ${name}: Poisson arrivals in the scenario; k6 starts its iterations evenly spaced at the same rate (arrivals: uniform in faultline)`] : [];
  const timeUnit = k6Duration(unit);
  if (load.executor === 'constant-arrival-rate') {
    return { scenario: { executor: 'constant-arrival-rate', rate: perUnit(load.rate, unit), timeUnit, duration: k6Duration(load.duration), ...vus, ...base }, notes };
  }
  const stages = load.stages.map((stage) => ({ duration: k6Duration(stage.duration), target: perUnit(stage.target, unit) }));
  return { scenario: { executor: 'ramping-arrival-rate', startRate: perUnit(load.startRate, unit), timeUnit, stages, ...vus, ...base }, notes };
}

/** The first time unit (ms) in which every rate (per ms) is a whole number of arrivals. */
function timeUnitFor(rates: readonly number[]): number | undefined {
  return TIME_UNITS_MS.find((unit) => rates.every((rate) => isWhole(rate * unit)));
}

/** Whether `x` is a whole number but for floating-point error; a rate above 0 never rounds to 0. */
function isWhole(x: number): boolean {
  if (x > 0 && Math.round(x) === 0) return false;
  return Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, Math.abs(x));
}

function perUnit(rate: number, unitMs: number): number {
  return Math.round(rate * unitMs);
}

/** `preAllocatedVUs` and `maxVUs` for a peak rate (per ms) and the load's own `maxVUs`, if any. */
function arrivalVus(peakPerMs: number, maxVUs: number | undefined): { preAllocatedVUs: number; maxVUs: number } {
  const perSecond = peakPerMs * 1000;
  const max = maxVUs ?? Math.max(1, Math.ceil(perSecond * DEFAULT_MAX_VU_SECONDS - 1e-9));
  return { preAllocatedVUs: Math.min(max, Math.max(1, Math.ceil(perSecond * PREALLOCATED_VU_SECONDS - 1e-9))), maxVUs: max };
}
