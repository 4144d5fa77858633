/**
 * The router's cost per call under live mode's clock against the simulator's
 * (bench/RESULTS.md, "Sidecar overhead and the policy chain in live mode"): one `Router` with
 * every caller-side policy of bench/policy-chain.ts (`chainPolicies`), dispatching calls to
 * an upstream that answers 200 inside `send`, under
 *
 *   inert    the clock of bench/policy-chain.ts (timers handed out, never armed): the figure
 *            the issue 3 target was set on;
 *   virtual  the simulator's VirtualClock (timers go into the event queue and are cancelled);
 *   real     proxy-core's RealClock, which live mode's sidecars run on (a Node timer armed
 *            and cleared for each route and per-try timeout, `performance.now()` per read).
 *
 * The three take turns in one process, batches of 10,000 calls, median ns per call of each.
 * Not part of `npm test`. `npx tsx bench/live-policy-chain.ts [--rounds 7] [--calls 200000]`
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { CallHandler } from '../proxy-core/call/dispatch.js';
import type { Outcome } from '../proxy-core/call/failure-cause.js';
import type { Clock } from '../proxy-core/clock/clock.js';
import { RealClock } from '../proxy-core/clock/real-clock.js';
import { Router } from '../proxy-core/routing/router.js';
import { SeededRng } from '../sim/seeded-rng.js';
import { VirtualClock } from '../sim/virtual-clock.js';
import { BenchCall, chainPolicies, InertClock, SyncOkUpstream } from './policy-chain.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, calls: { type: 'string', default: '200000' } } });
const ROUNDS = Number(values.rounds);
const CALLS = Number(values.calls);

let bad = 0;
const handler: CallHandler<BenchCall> = {
  onResponseStart(): void {},
  onResponseData(): void {},
  onResponseEnd(_call: BenchCall, outcome: Outcome): void {
    if (outcome !== 'ok') bad++;
  },
  onResponseError(): void {
    bad++;
  },
};

interface Variant {
  name: string;
  clock: Clock;
  router: Router<BenchCall>;
  tick: () => void;
  nsPerCall: number[];
}

function variant(name: string, clock: Clock, tick: () => void): Variant {
  const rng = new SeededRng(1);
  const router = new Router(clock, rng.fork('router'), chainPolicies(clock, rng, { perTryTimeoutMs: 500, maxConcurrentCalls: 64 }), new SyncOkUpstream(clock));
  return { name, clock, router, tick, nsPerCall: [] };
}

function batch(v: Variant, n: number, id: { next: number }): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    v.tick();
    v.router.dispatch(new BenchCall(++id.next, v.clock.now()), handler);
  }
  return Number(process.hrtime.bigint() - t0) / n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const inert = new InertClock();
  const virtual = new VirtualClock();
  const real = new RealClock();
  const variants = [variant('inert', inert, () => inert.time++), variant('virtual', virtual, () => {}), variant('real', real, () => {})];
  const id = { next: 0 };
  console.log(`load average ${loadavg()[0].toFixed(2)}`);
  for (const v of variants) batch(v, 100_000, id); // warm-up
  await new Promise((r) => setImmediate(r));
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
      const batches = CALLS / 10_000;
      const per: number[] = [];
      for (let b = 0; b < batches; b++) per.push(batch(v, 10_000, id));
      v.nsPerCall.push(median(per));
      // Let the real clock's cleared Node timers go.
      await new Promise((r) => setImmediate(r));
    }
  }
  if (bad !== 0) throw new Error(`${bad} calls did not end ok`);
  for (const v of variants) console.log(`${v.name}: median ${median(v.nsPerCall).toFixed(0)} ns/call (rounds ${v.nsPerCall.map((x) => x.toFixed(0)).join(', ')}); router stats ${JSON.stringify(v.router.stats)}`);
  const r = median(variants[2].nsPerCall);
  console.log(`real ÷ virtual ${(r / median(variants[1].nsPerCall)).toFixed(2)}, real ÷ inert ${(r / median(variants[0].nsPerCall)).toFixed(2)}; load average ${loadavg()[0].toFixed(2)}`);
}

void main();
