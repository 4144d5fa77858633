import type { FaultSpan } from '../reports/fault-span.js';
import type { Fault, Scenario } from '../scenarios/schema.js';

/** What the spans read of a mesh (the simulator's world, or live mode's): its zones and where each service's instances are. */
export interface MeshLayout {
  readonly zones: readonly string[];
  readonly services: ReadonlyMap<string, { readonly name: string; readonly instances: readonly { readonly zone: number }[] }>;
}

/** The scenario's faults as the report sees them: when, aimed at what, and which services they hit. */
export function faultSpans(scenario: Scenario, world: MeshLayout): FaultSpan[] {
  return scenario.faults.map((f, i) => {
    const { hits, feltFrom } = reach(f, world);
    return { fault: i, kind: f.kind, target: targetName(f), startMs: f.at, endMs: f.at + f.for, hits, feltFrom };
  });
}

function targetName(f: Fault): string {
  if (f.kind === 'ca-outage') return 'ca';
  return f.edge ?? f.zone ?? (f.instance !== undefined ? `${f.service}[${f.instance}]` : f.service!);
}

/**
 * The services a fault hits, and those whose callers feel it: an edge fault hits its callee
 * and is felt from its caller (the callee's other callers do not see it); a zone fault hits
 * every service with an instance in the zone; a CA outage every service (any may need a
 * certificate).
 */
function reach(f: Fault, world: MeshLayout): Pick<FaultSpan, 'hits' | 'feltFrom'> {
  if (f.kind === 'ca-outage') {
    const all = [...world.services.keys()];
    return { hits: all, feltFrom: all };
  }
  if (f.edge !== undefined) {
    const [from, to] = f.edge.split('->');
    return { hits: [to], feltFrom: [from] };
  }
  if (f.zone !== undefined) {
    const zone = world.zones.indexOf(f.zone);
    const inZone = [...world.services.values()].filter((s) => s.instances.some((i) => i.zone === zone)).map((s) => s.name);
    return { hits: inZone, feltFrom: inZone };
  }
  return { hits: [f.service!], feltFrom: [f.service!] };
}
