import type { PolicyEventKind } from '../proxy-core/health/policy-event.js';
import type { TimelineEvent, ToxicEventKind } from '../reports/report.js';
import { round3 } from '../reports/time-series.js';

/** Most events a report keeps; later ones are counted, not kept, so memory stays bounded. */
export const MAX_TIMELINE_EVENTS = 10_000;

/** The policies' state changes over a run (breakers opening, hosts ejected, certificates rotated or expired, toxics added and removed), in time order. */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  /** Events beyond {@link MAX_TIMELINE_EVENTS}, counted only. */
  dropped = 0;

  /** Records that `kind` happened on `edge` in the router of caller instance `callerInstance`, to instance `host` (-1: the edge). */
  record(kind: PolicyEventKind, edge: string, callerInstance: number, host: number, atMs: number): void {
    this.push({ at_ms: round3(atMs), kind, edge, service: null, caller_instance: callerInstance, instance: host });
  }

  /** Records that `service`'s workload certificate was rotated, or was found expired when a connection needed it. */
  recordCertificate(kind: 'certificate-rotated' | 'certificate-expired', service: string, atMs: number): void {
    this.push({ at_ms: round3(atMs), kind, edge: null, service, caller_instance: -1, instance: -1 });
  }

  /**
   * Records that the run put toxic `toxic` on Toxiproxy proxy `proxy` (or took it off), for
   * a fault on `target`: a service (`service` set) or a `caller->callee` edge (`edge` set).
   */
  recordToxic(kind: ToxicEventKind, target: { service?: string; edge?: string }, proxy: string, toxic: string, atMs: number): void {
    this.push({ at_ms: round3(atMs), kind, edge: target.edge ?? null, service: target.service ?? null, caller_instance: -1, instance: -1, proxy, toxic });
  }

  private push(event: TimelineEvent): void {
    if (this.events.length >= MAX_TIMELINE_EVENTS) this.dropped++;
    else this.events.push(event);
  }
}
