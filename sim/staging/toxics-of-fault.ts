/**
 * The Toxiproxy toxics that inject a scenario's L4 fault on a real network, the way a team
 * would with Toxiproxy's own API. Shared by staging runs (toxics on the target's proxies) and
 * live mode (toxics on the embedded proxies it puts in front of instances).
 */
import type { TargetedFault } from '../../scenarios/schema.js';
import { stagingFaultLayer } from './staging-fault-layer.js';

/** A toxic to add to a proxy, in Toxiproxy's JSON shape (the name is given when it is placed). */
export interface ToxicSpec {
  readonly type: 'latency' | 'timeout' | 'reset_peer';
  /** `upstream`: client → server bytes; `downstream`: server → client bytes. */
  readonly stream: 'upstream' | 'downstream';
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

/** The L4 fault kinds Toxiproxy injects: the scenario kinds that act on connections. */
export type ToxicFaultKind = 'latency' | 'crash' | 'partition' | 'blackhole';

/** Whether `fault` is injected through Toxiproxy toxics: the kinds staging applies at L4 (staging-fault-layer.ts, the one table of layers). */
export function isToxicFault(fault: TargetedFault): fault is Extract<TargetedFault, { kind: ToxicFaultKind }> {
  return stagingFaultLayer(fault.kind) === 'l4';
}

/**
 * The toxics of an L4 fault, by the scenario's semantics (README, "Faults"):
 *
 * - `latency` (`delay` ± `jitter`): Toxiproxy's `latency` on the answers (downstream), so each
 *   response waits `delay` ± `jitter` — the scenario's latency is Toxiproxy's by definition;
 * - `crash` (work reset, connections refused): `reset_peer` with timeout 0 on requests — every
 *   connection through the proxy is reset (RST) as soon as it carries data;
 * - `partition` (messages lost both ways): `timeout` with timeout 0 both ways — no byte gets
 *   through, connections hang until the toxic goes;
 * - `blackhole` (requests accepted, never answered): `timeout` 0 on the answers only.
 */
export function toxicsOfFault(fault: Extract<TargetedFault, { kind: ToxicFaultKind }>): ToxicSpec[] {
  switch (fault.kind) {
    case 'latency':
      return [{ type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: Math.round(fault.delay), jitter: Math.round(fault.jitter) } }];
    case 'crash':
      return [{ type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } }];
    case 'partition':
      return [
        { type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } },
        { type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } },
      ];
    case 'blackhole':
      return [{ type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 0 } }];
  }
}
