/**
 * The `fuzz` section: what `faultline fuzz` may vary, and within which bounds, while it
 * searches for the fault schedule (and load, and policy parameters) that breaks the
 * scenario's thresholds. `run` and `validate` check it and otherwise ignore it. Bounds left
 * out take defaults that depend on the scenario (its services, zones, calls and load), worked
 * out when a campaign starts (`sim/fuzz/fuzz-space.ts`).
 */
import { z } from 'zod';
import { MAX_FUZZ_FAULTS, MAX_FUZZ_PARAMETERS, MAX_SLOWDOWN_FACTOR, MAX_VUS } from './limits.js';
import { PARAMETER_FIELDS } from './fuzz-parameters.js';
import { Duration, Name, Rate, withBound } from './schema-primitives.js';

/** The fault kinds the fuzzer draws, in the order shrinking prefers them (the first is the simplest). */
export const FUZZ_FAULT_KINDS = ['crash', 'latency', 'abort', 'slowdown', 'partition', 'blackhole', 'ca-outage'] as const;
/** A fault kind the fuzzer can draw. */
export type FuzzFaultKind = (typeof FUZZ_FAULT_KINDS)[number];

const Edge = z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]*->[A-Za-z][A-Za-z0-9_.-]*$/, 'expected an edge like checkout->payments');
const Percent = z.number().min(0).max(100);

const FaultCount = z.number().int().min(0).max(MAX_FUZZ_FAULTS);

/** How many faults a run draws, of which kinds, on which targets, when and how strong. */
export const FuzzFaults = z.strictObject({
  count: z
    .strictObject({
      min: FaultCount.default(0).meta({ description: withBound('Fewest faults a run draws.', MAX_FUZZ_FAULTS) }),
      max: FaultCount.default(3).meta({ description: withBound('Most faults a run draws; 0 varies no fault.', MAX_FUZZ_FAULTS) }),
    })
    .default({ min: 0, max: 3 }),
  kinds: z
    .array(z.enum(FUZZ_FAULT_KINDS))
    .min(1)
    .optional()
    .meta({ description: 'Kinds to draw. Default: every kind the scenario allows (ca-outage only with mTLS on and certificates that expire within the run).' }),
  targets: z
    .strictObject({
      services: z.array(Name).optional().meta({ description: 'Services a fault may hit as a whole.' }),
      instances: z.array(Name).optional().meta({ description: 'Services whose instances a fault may hit one by one.' }),
      zones: z.array(Name).optional().meta({ description: 'Zones a fault may hit.' }),
      edges: z.array(Edge).optional().meta({ description: 'Calls (caller->callee) a fault may hit: latency, abort, partition, blackhole.' }),
    })
    .optional()
    .meta({ description: 'What faults may hit; a list left out here means none of that kind of target. Without `targets`: every service, every instance of a replicated service, every zone (when there are several) and every call edge.' }),
  window: z
    .strictObject({
      from: Duration.optional().meta({ description: 'Earliest start of a fault (default 0s).' }),
      to: Duration.optional().meta({ description: 'Latest end of a fault (default: when the load ends).' }),
    })
    .optional(),
  duration: z
    .strictObject({ min: Duration.optional(), max: Duration.optional() })
    .optional()
    .meta({ description: "How long a fault lasts. Default: from a hundredth of the window to all of it." }),
  latency: z.strictObject({ min: Duration, max: Duration }).optional().meta({ description: 'Delay of a latency fault (default 10ms to 1s).' }),
  abort: z.strictObject({ min: Percent, max: Percent }).optional().meta({ description: 'Percentage of requests an abort fault answers 503 (default 10 to 100).' }),
  slowdown: z
    .strictObject({ min: z.number().gt(0).max(MAX_SLOWDOWN_FACTOR), max: z.number().gt(0).max(MAX_SLOWDOWN_FACTOR) })
    .optional()
    .meta({ description: 'Factor of a slowdown fault (default 2 to 20).' }),
});
/** A parsed `fuzz.faults`. */
export type FuzzFaults = z.output<typeof FuzzFaults>;

const Vus = z.number().int().min(1).max(MAX_VUS);

/**
 * How one load may vary: a constant-arrival-rate load's rate, and a spike (a ramp to a
 * multiple of the rate, held, and back); a constant-vus load's number of VUs.
 */
export const FuzzLoad = z.strictObject({
  rate: z.strictObject({ min: Rate, max: Rate }).optional().meta({ description: "The rate of a constant-arrival-rate load." }),
  vus: z.strictObject({ min: Vus, max: Vus }).optional().meta({ description: withBound('The virtual users of a constant-vus load.', MAX_VUS) }),
  spike: z
    .strictObject({
      factor: z
        .strictObject({ min: z.number().min(1).max(1000), max: z.number().min(1).max(1000) })
        .meta({ description: 'Multiple of the rate at the top of the spike; 1 is no spike. Constant-arrival-rate loads only.' }),
      for: z.strictObject({ min: Duration, max: Duration }).optional().meta({ description: 'How long the top lasts (default: a hundredth of the load to half of it).' }),
      ramp: Duration.default(0).meta({ description: 'Time to climb to the top, and to come back down (default 0: a step, run and written as a 1ms ramp).' }),
    })
    .optional(),
});
/** A parsed `fuzz.load.<name>`. */
export type FuzzLoad = z.output<typeof FuzzLoad>;

/** A mesh-policy parameter to search, on the policy with exactly this `from` and `to`. */
export const FuzzParameter = z.strictObject({
  from: z.string().default('*'),
  to: z.string().default('*'),
  field: z.enum(PARAMETER_FIELDS),
  min: z.union([z.number(), z.string()]).meta({ description: "Smallest value: a number, or a duration like 100ms for the durations; within the field's own range." }),
  max: z.union([z.number(), z.string()]).meta({ description: 'Largest value, in the same form.' }),
});
/** A parsed `fuzz.parameters[i]` (min and max as written; checked against the field's schema). */
export type FuzzParameter = z.output<typeof FuzzParameter>;

/** The whole `fuzz` section. */
export const FuzzSection = z.strictObject({
  faults: FuzzFaults.default(FuzzFaults.parse({})).meta({ description: 'Faults to draw (by default up to 3, of every kind, anywhere in the run).' }),
  load: z.record(Name, FuzzLoad).default({}).meta({ description: 'Loads whose rate and spikes vary, by name.' }),
  parameters: z
    .array(FuzzParameter)
    .max(MAX_FUZZ_PARAMETERS)
    .default([])
    .meta({ description: withBound('Mesh-policy parameters to search, to find where a policy stops holding.', MAX_FUZZ_PARAMETERS) }),
});
/** A parsed `fuzz` section. */
export type FuzzSection = z.output<typeof FuzzSection>;
