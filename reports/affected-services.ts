/**
 * The services a fault affects: the ones it hits, and every service that calls one of them,
 * directly or through other services — their requests wait on, or fail with, the faulty
 * calls. Services the fault's targets call are left out: a fault on a service does not reach
 * its callees (fewer requests reach them, at most).
 */
import type { FaultSpan } from './fault-span.js';

/**
 * The affected services of `fault`, in the order of `services`.
 *
 * @param edges - the call graph as the report's edge names, `caller->callee`; edges from a load are ignored
 * @param services - every service, in the report's order
 */
export function affectedServices(fault: Pick<FaultSpan, 'hits' | 'feltFrom'>, edges: readonly string[], services: readonly string[]): string[] {
  const callers = callersByCallee(edges, new Set(services));
  const affected = new Set(fault.hits);
  const queue = [...fault.feltFrom];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    affected.add(next);
    for (const caller of callers.get(next) ?? []) if (!affected.has(caller) && !queue.includes(caller)) queue.push(caller);
  }
  return services.filter((s) => affected.has(s));
}

/** For each service, the services that call it. */
function callersByCallee(edges: readonly string[], services: ReadonlySet<string>): Map<string, string[]> {
  const callers = new Map<string, string[]>();
  for (const edge of edges) {
    const [from, to] = edge.split('->');
    if (!services.has(from)) continue;
    callers.set(to, [...(callers.get(to) ?? []), from]);
  }
  return callers;
}
