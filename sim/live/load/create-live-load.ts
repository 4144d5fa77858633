import type { Load } from '../../../scenarios/schema.js';
import { ClosedLoopLoad } from './closed-loop-load.js';
import type { LiveLoad, LiveLoadOptions } from './live-load.js';
import { OpenLoopLoad } from './open-loop-load.js';

/**
 * The live executor of a scenario's load, by its k6 `executor` name (the simulator's
 * counterpart is sim/loads.ts). Call `start(origin)` on it, then await `done`.
 */
export function createLiveLoad(spec: Load, options: LiveLoadOptions): LiveLoad {
  switch (spec.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return new OpenLoopLoad(spec, options);
    case 'constant-vus':
      return new ClosedLoopLoad(spec, options);
  }
}
