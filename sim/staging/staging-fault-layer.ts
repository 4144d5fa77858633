/**
 * Where each kind of scenario fault is applied in a staging mesh, which decides what a target
 * file must give for it: L4 faults act on connections, through a Toxiproxy proxy in front of
 * the service or edge (latency: a latency toxic; partition and blackhole: traffic held or
 * dropped; crash: every connection reset); L7 faults act on requests,
 * through the mesh's fault filter (Envoy's `x-envoy-fault-*` headers, when `l7Faults:
 * headers`); the others change a real service from inside and have no staging counterpart.
 */
import type { Fault, TargetedFault } from '../../scenarios/schema.js';

/** `l4`: through Toxiproxy; `l7`: through the mesh's fault filter; `none`: not in staging. */
export type StagingFaultLayer = 'l4' | 'l7' | 'none';

const LAYERS: Readonly<Record<Fault['kind'], StagingFaultLayer>> = {
  latency: 'l4',
  partition: 'l4',
  blackhole: 'l4',
  crash: 'l4',
  abort: 'l7',
  slowdown: 'none',
  'ca-outage': 'none',
};

/** The layer a fault of `kind` is applied at in staging. */
export function stagingFaultLayer(kind: Fault['kind']): StagingFaultLayer {
  return LAYERS[kind];
}

/** What a fault is aimed at, for messages: `payments`, `payments[1]`, `zone eu-west-1a`, `checkout->inventory`. */
export function faultTargetName(fault: TargetedFault): string {
  if (fault.edge !== undefined) return fault.edge;
  if (fault.zone !== undefined) return `zone ${fault.zone}`;
  return fault.instance === undefined ? fault.service! : `${fault.service}[${fault.instance}]`;
}
