import type { Load } from '../scenarios/schema.js';
import { ArrivalRateLoad } from './arrival-rate-load.js';
import type { EntryMetrics, LoadRunner } from './load-runner.js';
import { VusLoad } from './vus-load.js';
import type { World } from './world.js';

/** The executor for a load scenario, by its k6 `executor` name. */
export function createLoad(name: string, spec: Load, world: World, entry: EntryMetrics): LoadRunner {
  switch (spec.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return new ArrivalRateLoad(name, spec, world, entry);
    case 'constant-vus':
      return new VusLoad(name, spec, world, entry);
  }
}
