/**
 * Live mode's L4 faults as a team injects them: a Toxiproxy proxy (the embedded,
 * Toxiproxy-compatible one of `sim/toxiproxy/`) between the sidecars of an edge and each
 * instance of its callee, wherever the scenario has a latency fault on that callee or edge,
 * and the fault's toxic put on those proxies for its window — on open connections too, as
 * Toxiproxy does. The timeline records each toxic added and removed. Faults aimed at a zone
 * stay with the sidecar's rules (a proxy per caller zone would be needed).
 */
import type { Clock } from '../../proxy-core/clock/clock.js';
import type { Rng } from '../../proxy-core/clock/rng.js';
import type { Scenario, TargetedFault } from '../../scenarios/schema.js';
import { isTargeted } from '../../scenarios/schema.js';
import { toxicsOfFault } from '../staging/toxics-of-fault.js';
import { ToxiproxyState } from '../toxiproxy/toxiproxy-state.js';
import type { Timeline } from '../timeline.js';

type LatencyFault = Extract<TargetedFault, { kind: 'latency' }>;

/** Whether the scenario's fault `fault` goes through a proxy in live mode. */
export function isProxiedFault(fault: Scenario['faults'][number]): fault is LatencyFault {
  return isTargeted(fault) && fault.kind === 'latency' && fault.zone === undefined;
}

/** An edge as the proxies see it: its name, its callee, and where each callee instance listens. */
export interface ProxiedEdge {
  readonly name: string;
  readonly to: string;
  /** The port instance `host` of the callee listens on. */
  port(host: number): number;
  readonly hosts: number;
}

/** The proxies of a live run, and the schedule of their toxics. */
export class FaultProxies {
  private readonly state: ToxiproxyState;
  /** `edge#host` → the proxy's port. */
  private readonly ports = new Map<string, number>();

  private constructor(
    private readonly faults: readonly { readonly index: number; readonly fault: LatencyFault }[],
    rng: Rng,
  ) {
    this.state = new ToxiproxyState({ rng });
  }

  /**
   * Starts a proxy for every (edge, callee instance) that a latency fault of `scenario` could
   * touch; null when none could (no proxy, no hop added).
   */
  static async start(scenario: Scenario, edges: readonly ProxiedEdge[], rng: Rng): Promise<FaultProxies | null> {
    const faults = scenario.faults.flatMap((fault, index) => (isProxiedFault(fault) ? [{ index, fault }] : []));
    if (faults.length === 0) return null;
    const proxies = new FaultProxies(faults, rng);
    for (const edge of edges) {
      for (let host = 0; host < edge.hosts; host++) {
        if (!faults.some(({ fault }) => touches(fault, edge, host))) continue;
        const name = proxyName(edge.name, host);
        const proxy = await proxies.state.createProxy({ name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${edge.port(host)}` });
        proxies.ports.set(name, Number(proxy.listen.slice(proxy.listen.lastIndexOf(':') + 1)));
      }
    }
    return proxies;
  }

  /** The port the sidecars of `edge` reach callee instance `host` on: its proxy's, or undefined when it has none. */
  portOf(edge: string, host: number): number | undefined {
    return this.ports.get(proxyName(edge, host));
  }

  /** Schedules every fault's toxics on `clock` (from the load's start), recording them in `timeline`. */
  schedule(clock: Clock, timeline: Timeline, edges: readonly ProxiedEdge[]): void {
    for (const { index, fault } of this.faults) {
      const places = edges.flatMap((edge) => Array.from({ length: edge.hosts }, (_, host) => host).filter((host) => touches(fault, edge, host)).map((host) => proxyName(edge.name, host)));
      const target = fault.edge !== undefined ? { edge: fault.edge } : { service: fault.service! };
      const toxics = toxicsOfFault(fault).map((spec) => ({ ...spec, name: `fault${index}-${spec.stream}` }));
      clock.schedule(fault.at, () => {
        for (const proxy of places) for (const t of toxics) {
          this.state.addToxic(proxy, { name: t.name, type: t.type, stream: t.stream, toxicity: t.toxicity, attributes: t.attributes });
          timeline.recordToxic('toxic-added', target, proxy, t.name, clock.now());
        }
      }, null);
      clock.schedule(fault.at + fault.for, () => {
        for (const proxy of places) for (const t of toxics) {
          this.state.removeToxic(proxy, t.name);
          timeline.recordToxic('toxic-removed', target, proxy, t.name, clock.now());
        }
      }, null);
    }
  }

  /** Indexes of the scenario's faults the proxies inject (the sidecar's rules leave them out). */
  get faultIndexes(): ReadonlySet<number> {
    return new Set(this.faults.map((f) => f.index));
  }

  /** Closes every proxy and its connections. */
  close(): Promise<void> {
    return this.state.close();
  }
}

function proxyName(edge: string, host: number): string {
  return `${edge}#${host}`;
}

/** Whether `fault` is aimed at `edge`, or at `edge`'s callee (all of it, or instance `host`). */
function touches(fault: LatencyFault, edge: ProxiedEdge, host: number): boolean {
  if (fault.edge !== undefined) return fault.edge === edge.name;
  return fault.service === edge.to && (fault.instance === undefined || fault.instance === host);
}
