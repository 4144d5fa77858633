import type { Load } from '../scenarios/schema.js';
import { makeSampler } from './distributions.js';
import { LoadRunner, type EntryMetrics } from './load-runner.js';
import { loadEndMs } from './planned-end.js';
import type { World } from './world.js';

type ConstantVus = Extract<Load, { executor: 'constant-vus' }>;

/**
 * k6's closed-model `constant-vus`: each virtual user sends a request, waits for its
 * outcome, thinks, and sends the next, until `duration` has passed. Latency counts from
 * the actual send, so a slow system also lowers the load (the closed model's coordinated
 * omission, as in k6).
 */
export class VusLoad extends LoadRunner {
  private readonly think: () => number;
  private readonly end: number;

  constructor(name: string, spec: ConstantVus, world: World, entry: EntryMetrics) {
    super(name, spec, world, entry);
    this.think = makeSampler(spec.thinkTime, this.rng.fork('think'));
    this.end = loadEndMs(spec);
  }

  start(): void {
    const spec = this.spec as ConstantVus;
    for (let vu = 0; vu < spec.vus; vu++) this.world.clock.schedule(spec.startTime, this.iterate, 0);
  }

  protected override afterCall(): void {
    const pause = this.think();
    if (this.world.clock.now() + pause < this.end) this.world.clock.schedule(pause, this.iterate, 0);
  }

  private readonly iterate = (): void => {
    this.send(this.world.clock.now());
  };
}
