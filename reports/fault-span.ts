/** A fault as the report's recovery and fault windows see it. */
export interface FaultSpan {
  /** Index of the fault in the scenario. */
  fault: number;
  kind: string;
  /** What the fault is aimed at, as the report names it: `payments`, `payments[1]`, a zone, `a->b`, `ca`. */
  target: string;
  startMs: number;
  endMs: number;
  /** The services the fault hits: the target service, the services with an instance in the zone, an edge's callee; every service for a CA outage. */
  hits: readonly string[];
  /** The services whose callers, directly or through the call graph, feel the fault: `hits`, or an edge's caller. */
  feltFrom: readonly string[];
}
