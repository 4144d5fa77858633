/**
 * The event queue in the classic "hold" model (Vaucher & Duval, 1975): with N events pending,
 * each step pops the earliest and schedules one at now + an exponential sample, so N stays
 * constant. Issue target: at least 10 million schedule+pop pairs per second at N = 10,000.
 *
 * Method: tinybench; one task iteration is a batch of 1,000 pairs (so the timer's own cost
 * does not count), the queue is prefilled outside the timing, and the exponential samples are
 * drawn beforehand into a Float64Array so that the figure is the queue's, not the generator's.
 * Figures use the median batch time.
 */
import { Bench } from 'tinybench';
import { EventQueue } from '../sim/event-queue.js';
import type { BenchFigure } from './bench-figure.js';

const SUITE = 'event-queue';
/** Schedule+pop pairs per task iteration. */
const BATCH = 1000;
/** Precomputed exponential samples (mean 1), cycled through. */
const SAMPLE_COUNT = 1 << 16;
/** A cancelled timer is set this far beyond the events that fire (in means), so it is still pending when cancelled. */
const TIMER_OFFSET = 10;
/** Timers stay pending for this many steps before they are cancelled. */
const TIMER_RING = 16;

/** One hold-model configuration. */
interface HoldCase {
  name: string;
  pending: number;
  /** Also schedule a timer per step and cancel it later: every second event never fires. */
  cancelHalf: boolean;
  note: string;
}

const CASES: HoldCase[] = [
  { name: 'hold, 100 pending', pending: 100, cancelHalf: false, note: 'schedule+pop pairs' },
  { name: 'hold, 10,000 pending', pending: 10_000, cancelHalf: false, note: 'schedule+pop pairs; target ≥ 10,000,000' },
  { name: 'hold, 1,000,000 pending', pending: 1_000_000, cancelHalf: false, note: 'schedule+pop pairs' },
  {
    name: 'hold, 10,000 pending, half cancelled',
    pending: 10_000,
    cancelHalf: true,
    note: 'schedule+pop pairs; each pair also schedules a timer and cancels one before it fires',
  },
];

const noop = (_: null): void => {};

/** Exponential samples with mean 1 from a fixed LCG: the same every run, and no Math.random. */
function exponentialSamples(): Float64Array {
  const samples = new Float64Array(SAMPLE_COUNT);
  let state = 2463534242;
  for (let i = 0; i < SAMPLE_COUNT; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) | 0;
    samples[i] = -Math.log1p(-(state >>> 0) / 4294967296);
  }
  return samples;
}

/** A queue in the hold model's steady state. */
class HoldModel {
  readonly queue = new EventQueue();
  private next = 0;
  private readonly timers = new Float64Array(TIMER_RING);
  private step = 0;

  constructor(
    pending: number,
    private readonly samples: Float64Array,
  ) {
    for (let i = 0; i < pending; i++) this.queue.schedule(this.sample(), noop, null);
  }

  /** The next precomputed exponential sample. */
  private sample(): number {
    const value = this.samples[this.next];
    this.next = (this.next + 1) & (SAMPLE_COUNT - 1);
    return value;
  }

  /** `BATCH` steps: pop the earliest event, schedule one at now + sample. */
  hold(): void {
    const queue = this.queue;
    if (queue.size === 0) return;
    for (let i = 0; i < BATCH; i++) {
      queue.fireNext();
      queue.schedule(queue.now + this.sample(), noop, null);
    }
  }

  /** As {@link HoldModel.hold}, plus a timer per step, cancelled `TIMER_RING` steps later. */
  holdCancellingHalf(): void {
    const queue = this.queue;
    if (queue.size === 0) return;
    for (let i = 0; i < BATCH; i++) {
      queue.fireNext();
      queue.schedule(queue.now + this.sample(), noop, null);
      const slot = this.step++ & (TIMER_RING - 1);
      queue.cancel(this.timers[slot]);
      this.timers[slot] = queue.schedule(queue.now + TIMER_OFFSET + this.sample(), noop, null);
    }
  }
}

/** Adds one hold case to `bench`; the model is rebuilt (prefilled) before warm-up and before the run. */
function addCase(bench: Bench, samples: Float64Array, holdCase: HoldCase): void {
  let model = new HoldModel(0, samples);
  const run = holdCase.cancelHalf ? () => model.holdCancellingHalf() : () => model.hold();
  bench.add(holdCase.name, run, {
    beforeAll: () => {
      model = new HoldModel(holdCase.pending, samples);
    },
  });
}

/** Measures the hold model at 100, 10,000 and 1,000,000 pending events, and with half the events cancelled. */
export async function benchEventQueue(): Promise<BenchFigure[]> {
  const samples = exponentialSamples();
  const bench = new Bench({ time: 1500, warmupTime: 300, iterations: 20 });
  for (const holdCase of CASES) addCase(bench, samples, holdCase);
  await bench.run();
  return CASES.map((holdCase) => {
    const latency = bench.getTask(holdCase.name)?.result?.latency;
    if (latency?.p50 === undefined) throw new Error(`event-queue bench: no result for ${holdCase.name}`);
    return {
      suite: SUITE,
      name: holdCase.name,
      value: Math.round(BATCH / (latency.p50 / 1000)),
      unit: 'pairs/s',
      note: `${holdCase.note}; median of ${latency.samples.length} batches of ${BATCH}`,
    };
  });
}
