import type { Load, Scenario } from './schema.js';

/** When a load stops starting requests (ms): its start plus its duration or stages. */
export function loadEndMs(load: Load): number {
  const length = load.executor === 'ramping-arrival-rate' ? load.stages.reduce((t, s) => t + s.duration, 0) : load.duration;
  return load.startTime + length;
}

/** When the last load of a scenario stops starting requests (ms). */
export function plannedEndMs(scenario: Scenario): number {
  return Math.max(0, ...Object.values(scenario.load).map(loadEndMs));
}
