/** The registered toxic kinds, by `type`: Toxiproxy 2.12's seven plus `noop`, which it registers too. */
import type { ToxicKind } from './toxic-kind.js';
import { BANDWIDTH_TOXIC } from './toxics/bandwidth.js';
import { LATENCY_TOXIC } from './toxics/latency.js';
import { LIMIT_DATA_TOXIC } from './toxics/limit-data.js';
import { NOOP_TOXIC } from './toxics/noop.js';
import { RESET_PEER_TOXIC } from './toxics/reset-peer.js';
import { SLICER_TOXIC } from './toxics/slicer.js';
import { SLOW_CLOSE_TOXIC } from './toxics/slow-close.js';
import { TIMEOUT_TOXIC } from './toxics/timeout.js';

const KINDS: ReadonlyMap<string, ToxicKind> = new Map(
  [LATENCY_TOXIC, BANDWIDTH_TOXIC, SLOW_CLOSE_TOXIC, TIMEOUT_TOXIC, RESET_PEER_TOXIC, SLICER_TOXIC, LIMIT_DATA_TOXIC, NOOP_TOXIC].map((kind) => [kind.type, kind]),
);

/** The kind registered as `type` (case-sensitive, as Toxiproxy's registry), if any. */
export function toxicKind(type: string): ToxicKind | undefined {
  return KINDS.get(type);
}

/** Every registered `type`. */
export function toxicTypes(): string[] {
  return [...KINDS.keys()];
}
