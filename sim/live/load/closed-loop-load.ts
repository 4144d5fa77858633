import type { TimerHandle } from '../../../proxy-core/clock/clock.js';
import type { Load } from '../../../scenarios/schema.js';
import { makeSampler } from '../../distributions.js';
import { loadEndMs } from '../../planned-end.js';
import { LiveLoad, type LiveLoadOptions } from './live-load.js';
import type { LoadRequest } from './load-request.js';

/** The closed-model load: `constant-vus`. */
export type ConstantVusSpec = Extract<Load, { executor: 'constant-vus' }>;

/** One virtual user: the timer of its think time (or of its start), and when that ends. */
class VirtualUser {
  timer: TimerHandle = 0;
  dueAt = 0;
  constructor(readonly index: number) {}
}

/**
 * k6's closed-model `constant-vus` on real time: each of `vus` virtual users sends a request,
 * waits for its outcome, thinks (the `thinkTime` distribution, drawn from the seeded stream),
 * and sends the next, until `duration` has passed; so exactly `vus` requests are in flight
 * whenever no one is thinking. Latency counts from when the user meant to send (the end of
 * its think time), so a late timer shows as send lag, not as latency.
 */
export class ClosedLoopLoad extends LiveLoad {
  private readonly think: () => number;
  private readonly users: VirtualUser[];
  private readonly gracefulStopMs: number;
  private endAt = 0;
  private endTimer: TimerHandle = 0;

  constructor(spec: ConstantVusSpec, options: LiveLoadOptions) {
    super(spec, options);
    this.think = makeSampler(spec.thinkTime, options.rng.fork('think'));
    this.users = Array.from({ length: spec.vus }, (_, i) => new VirtualUser(i));
    this.gracefulStopMs = spec.gracefulStop;
  }

  protected begin(): void {
    const startAt = this.origin + this.spec.startTime;
    this.endAt = this.origin + loadEndMs(this.spec);
    this.stats.window(startAt, this.endAt);
    const now = this.clock.now();
    for (const user of this.users) this.wakeAt(user, startAt, now);
    this.endTimer = this.clock.schedule(this.endAt - now, this.windowOver, undefined);
  }

  protected halt(): void {
    for (const user of this.users) {
      this.clock.cancel(user.timer);
      user.timer = 0;
    }
    this.clock.cancel(this.endTimer);
    this.endTimer = 0;
  }

  protected isOpenLoop(): boolean {
    return false;
  }

  /** The user's answer came: think, then go again if that still ends within the window. */
  protected override afterAnswer(request: LoadRequest, now: number): void {
    const user = this.users[request.vu];
    const dueAt = now + this.think();
    if (dueAt >= this.endAt) return; // k6 starts no iteration after the duration
    if (dueAt <= now && this.sending === 0) this.iterate(user, now);
    else this.wakeAt(user, dueAt, now); // a target that answered inside send(): no recursion
  }

  private wakeAt(user: VirtualUser, dueAt: number, now: number): void {
    user.dueAt = dueAt;
    user.timer = this.clock.schedule(dueAt - now, this.wake, user);
  }

  private readonly wake = (user: VirtualUser): void => {
    user.timer = 0;
    if (this.running) this.iterate(user, user.dueAt);
  };

  private iterate(user: VirtualUser, intendedAt: number): void {
    this.send(this.classes.pick(), intendedAt, user.index);
  }

  private readonly windowOver = (): void => {
    this.endTimer = 0;
    this.halt();
    this.endArrivals(this.endAt + this.gracefulStopMs);
  };
}
