import type { Clock } from '../proxy-core/clock/clock.js';
import type { Rng } from '../proxy-core/clock/rng.js';
import { isTargeted, type TargetedFault as Fault, type Fault as AnyFault } from '../scenarios/schema.js';

/** What the fault rules do to one message. */
export const enum Verdict {
  Pass,
  /** Lost: no answer will come (partition, blackhole). */
  Drop,
  /** Answered at once by the sidecar with `abortStatus` (Envoy fault abort). */
  Abort,
}

/** An instance as faults see it: where it is, and what a crash or a slowdown changes. */
export interface FaultTarget {
  readonly service: string;
  readonly index: number;
  readonly zone: number;
  /** Product of active slowdown factors. */
  slowdown: number;
  /** A crash fault starts: the instance goes down. */
  crash(): void;
  /** A crash fault ends: the instance comes back when no other holds it down. */
  restart(): void;
}

/** The ends of one message: the calling instance (or the load, outside the mesh) and the called one. */
export interface MessageEnds {
  fromService: string | null;
  fromIndex: number;
  fromZone: number;
  to: FaultTarget;
}

/**
 * The fault schedule: each fault is switched on at `at` and off at `at + for` by clock
 * events. Crash and slowdown change the targeted instances while active; latency, abort,
 * partition and blackhole are rules checked on every message while any is active, in
 * scenario order, like turmoil's rules returning pass / delay / drop / fail.
 */
export class FaultModel {
  private readonly active: ActiveFault[] = [];
  /** Delay added by the rules to the message just checked (ms). */
  addedDelay = 0;
  /** Status of the abort just decided. */
  abortStatus = 0;

  constructor(
    private readonly clock: Clock,
    private readonly zones: readonly string[],
    private readonly instancesOf: (service: string) => readonly FaultTarget[],
    private readonly allInstances: readonly FaultTarget[],
  ) {}

  /**
   * Schedules the start and end of every fault with a target (a CA outage is the identity
   * model's), but those whose index is in `elsewhere` (live mode's proxies inject them).
   */
  schedule(faults: readonly AnyFault[], rng: Rng, elsewhere?: ReadonlySet<number>): void {
    faults.forEach((fault, i) => {
      if (!isTargeted(fault) || elsewhere?.has(i)) return;
      const active = new ActiveFault(fault, this.zones, rng.fork(`fault/${i}`));
      this.clock.schedule(fault.at, (f) => this.start(f), active);
      this.clock.schedule(fault.at + fault.for, (f) => this.stop(f), active);
    });
  }

  /** True when some message rule is active: callers skip {@link checkRequest} otherwise. */
  get anyRule(): boolean {
    return this.active.length > 0;
  }

  /** Applies the active rules to a request on its way to `ends.to`; sets {@link addedDelay}. */
  checkRequest(ends: MessageEnds): Verdict {
    this.addedDelay = 0;
    for (const f of this.active) {
      if (!f.matches(ends)) continue;
      switch (f.fault.kind) {
        case 'latency':
          this.addedDelay += f.latency();
          break;
        case 'abort':
          if (f.rng.next() * 100 < f.fault.percent) {
            this.abortStatus = f.fault.status;
            return Verdict.Abort;
          }
          break;
        case 'partition':
        case 'blackhole':
          return Verdict.Drop;
      }
    }
    return Verdict.Pass;
  }

  /** True when an active partition cuts the way back from `ends.to` to the caller. */
  dropsResponse(ends: MessageEnds): boolean {
    for (const f of this.active) if (f.fault.kind === 'partition' && f.matches(ends)) return true;
    return false;
  }

  private start(f: ActiveFault): void {
    if (f.fault.kind === 'crash') for (const i of this.targets(f.fault)) i.crash();
    else if (f.fault.kind === 'slowdown') for (const i of this.targets(f.fault)) i.slowdown *= f.fault.factor;
    else this.active.push(f);
  }

  private stop(f: ActiveFault): void {
    if (f.fault.kind === 'crash') for (const i of this.targets(f.fault)) i.restart();
    else if (f.fault.kind === 'slowdown') for (const i of this.targets(f.fault)) i.slowdown /= f.fault.factor;
    else this.active.splice(this.active.indexOf(f), 1);
  }

  private targets(fault: Fault): readonly FaultTarget[] {
    if (fault.service !== undefined) {
      const all = this.instancesOf(fault.service);
      return fault.instance === undefined ? all : [all[fault.instance]];
    }
    const zone = this.zones.indexOf(fault.zone!);
    return this.allInstances.filter((i) => i.zone === zone);
  }
}

/** A fault while it is active, with its own random stream. */
class ActiveFault {
  private readonly zone: number;
  private readonly edgeFrom: string | undefined;
  private readonly edgeTo: string | undefined;

  constructor(
    readonly fault: Fault,
    zones: readonly string[],
    readonly rng: Rng,
  ) {
    this.zone = fault.zone === undefined ? -1 : zones.indexOf(fault.zone);
    [this.edgeFrom, this.edgeTo] = fault.edge?.split('->') ?? [];
  }

  /** Toxiproxy latency: delay ± jitter, uniform. */
  latency(): number {
    const f = this.fault as Extract<Fault, { kind: 'latency' }>;
    return f.jitter > 0 ? Math.max(0, f.delay + (2 * this.rng.next() - 1) * f.jitter) : f.delay;
  }

  /**
   * Whether this fault applies to a message between `ends`. A partition cuts both ways: it
   * matches when either end is the target (for a zone, when exactly one end is in it); the
   * other kinds act on messages into the target.
   */
  matches(ends: MessageEnds): boolean {
    const f = this.fault;
    if (this.edgeFrom !== undefined) return ends.fromService === this.edgeFrom && ends.to.service === this.edgeTo;
    const partition = f.kind === 'partition';
    if (this.zone >= 0) {
      if (!partition) return ends.to.zone === this.zone;
      return (ends.fromZone === this.zone) !== (ends.to.zone === this.zone);
    }
    const into = ends.to.service === f.service && (f.instance === undefined || ends.to.index === f.instance);
    if (into || !partition) return into;
    return ends.fromService === f.service && (f.instance === undefined || ends.fromIndex === f.instance);
  }
}
