/**
 * The full policy chain's cost per call, two ways.
 *
 * 1. Alone (bench/policy-chain.ts builds it:
 * route + per-try timeout, retries under an Envoy budget, connection pool, sliding-window
 * breaker, outlier detection, least-request over 3 hosts, bulkhead, and the callee's rate
 * limit and authorization). Issue target: ≤ 1 µs per call, no per-call allocation beyond
 * the request itself.
 *
 * Time: tinybench; one task iteration is a batch of 1,000 calls (so the timer's own cost
 * does not count), each allocating its request; figures are per call (batch time / 1,000).
 * Allocation: a child process with --expose-gc (bench/policy-chain-child.ts) runs 1,000,000
 * calls after a warm-up and reports heap bytes per call, and per bare request allocated the
 * same way; the difference is what the chain allocates. Every call is checked to have got
 * exactly one 'ok' outcome, so a broken chain cannot post a fast number. Stubbed: a clock
 * whose timers never fire and an upstream that answers 200 inside `send` — the chain's own
 * cost and nothing else, the figure the issue 3 target was set on.
 *
 * 2. On the simulator's event queue with failures (bench/policy-chain-sim.ts): the same
 * policies driven through the real virtual clock by an upstream whose answers mix
 * successes, 503s, resets and hangs cut by the per-try timeout, so retries, backoffs and
 * timers really run. Batches of 1,000 calls at 1,000 calls/s of virtual time; figures per
 * call. Stubbed: the network and the services (one drawn answer per attempt), metrics.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import type { BenchFigure } from './bench-figure.js';
import { PolicyChain } from './policy-chain.js';
import { SimulatedChain } from './policy-chain-sim.js';

const SUITE = 'policy-chain';
const BATCH = 1000;
const ALLOC_CALLS = 1_000_000;
const TARGET_NS = 1000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./policy-chain-child.ts', import.meta.url));

interface AllocResult {
  bytesPerCall: number;
  chunks: number;
  discarded: number;
}

function measureAllocation(): { calls: number; chain: AllocResult; bare: AllocResult } {
  const args = ['--expose-gc', '--min-semi-space-size=64', '--max-semi-space-size=64', '--import', 'tsx', CHILD, String(ALLOC_CALLS)];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`policy-chain child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

/** The policy-chain suite's figures. */
export async function benchPolicyChain(): Promise<BenchFigure[]> {
  let chain = new PolicyChain();
  const bench = new Bench({ time: 2000, warmupTime: 500, iterations: 20 });
  bench.add('chain', () => chain.run(BATCH), {
    beforeAll: () => {
      chain.check();
      chain = new PolicyChain();
    },
  });
  await bench.run();
  chain.check();
  const latency = bench.getTask('chain')?.result?.latency;
  if (latency?.mean === undefined || latency.p50 === undefined) throw new Error('policy-chain bench: no result');
  const perCall = (ms: number | undefined): number => Math.round((ms! * 1e6) / BATCH);
  const mean = perCall(latency.mean);
  const samples = latency.samples.length;

  const simulated = await benchSimulatedChain();
  const alloc = measureAllocation();
  const extra = alloc.chain.bytesPerCall - alloc.bare.bytesPerCall;
  console.log(
    `policy-chain: ${chain.calls.toLocaleString('en')} timed calls, all 'ok'; mean ${mean} ns/call; ` +
      `heap ${alloc.chain.bytesPerCall.toFixed(1)} B/call vs ${alloc.bare.bytesPerCall.toFixed(1)} B/bare request ` +
      `(${alloc.chain.chunks}+${alloc.bare.chunks} chunks counted, ${alloc.chain.discarded}+${alloc.bare.discarded} discarded for a GC)`,
  );
  const batches = `${samples} batches of ${BATCH} calls, per call`;
  return [
    {
      suite: SUITE,
      name: 'ns/call, mean',
      value: mean,
      unit: 'ns',
      note: `${batches}; target ≤ ${TARGET_NS}: ${mean <= TARGET_NS ? 'met' : 'missed'}`,
    },
    { suite: SUITE, name: 'ns/call, median batch', value: perCall(latency.p50), unit: 'ns', note: batches },
    ...simulated,
    { suite: SUITE, name: 'ns/call, p99 batch', value: perCall(latency.p99), unit: 'ns', note: `${batches} (p99 of batch means, not of single calls)` },
    {
      suite: SUITE,
      name: 'heap bytes/call, whole call',
      value: round1(alloc.chain.bytesPerCall),
      unit: 'B',
      note: `${ALLOC_CALLS.toLocaleString('en')} calls after a ${(alloc.calls - ALLOC_CALLS).toLocaleString('en')}-call warm-up, child with --expose-gc; heapUsed growth over GC-free chunks`,
    },
    { suite: SUITE, name: 'heap bytes/call, bare request', value: round1(alloc.bare.bytesPerCall), unit: 'B', note: 'the same BenchCall constructor alone' },
    {
      suite: SUITE,
      name: 'heap bytes/call beyond request',
      value: round1(extra),
      unit: 'B',
      note: `whole call − bare request; target 0: ${Math.abs(extra) < 8 ? 'met' : 'missed'}`,
    },
  ];
}

function round1(x: number): number {
  return Number(x.toFixed(1));
}

/** The chain on the event queue with failures: ns per call, and what the mix made the chain do. */
async function benchSimulatedChain(): Promise<BenchFigure[]> {
  let chain = new SimulatedChain();
  const bench = new Bench({ time: 2000, warmupTime: 500, iterations: 20 });
  bench.add('simulated', () => chain.run(BATCH), {
    beforeAll: () => {
      chain.check();
      chain = new SimulatedChain();
    },
  });
  await bench.run();
  chain.check();
  const latency = bench.getTask('simulated')?.result?.latency;
  if (latency?.mean === undefined) throw new Error('policy-chain bench: no simulated result');
  const s = chain.router.stats;
  const mix = `${chain.calls.toLocaleString('en')} calls: ${pct(s.retries, chain.calls)} retried, ${pct(chain.calls - chain.ok, chain.calls)} failed, ${pct(chain.upstream.attempts, chain.calls, 1)} attempts/call`;
  console.log(`policy-chain (event queue, failures): mean ${Math.round((latency.mean * 1e6) / BATCH)} ns/call; ${mix}`);
  return [
    {
      suite: SUITE,
      name: 'ns/call on the event queue, with failures, mean',
      value: Math.round((latency.mean * 1e6) / BATCH),
      unit: 'ns',
      note: `${latency.samples.length} batches of ${BATCH}; ${mix}; timers fire, retries and backoffs run`,
    },
  ];
}

function pct(n: number, of: number, scale = 100): string {
  return scale === 100 ? `${((100 * n) / of).toFixed(1)}%` : (n / of).toFixed(3);
}
