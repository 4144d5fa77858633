import type { PolicyEventKind } from '../proxy-core/policy-event.js';
import type { TimelineEvent } from '../reports/report.js';

/** Most events a report keeps; later ones are counted, not kept, so memory stays bounded. */
export const MAX_TIMELINE_EVENTS = 10_000;

/** The policies' state changes over a run (breakers opening, hosts ejected), in time order. */
export class Timeline {
  readonly events: TimelineEvent[] = [];
  /** Events beyond {@link MAX_TIMELINE_EVENTS}, counted only. */
  dropped = 0;

  /** Records that `kind` happened on `edge` in the router of caller instance `callerInstance`, to instance `host` (-1: the edge). */
  record(kind: PolicyEventKind, edge: string, callerInstance: number, host: number, atMs: number): void {
    if (this.events.length >= MAX_TIMELINE_EVENTS) {
      this.dropped++;
      return;
    }
    this.events.push({ at_ms: Math.round(atMs * 1000) / 1000, kind, edge, caller_instance: callerInstance, instance: host });
  }
}
