/**
 * Allocation of the policy chain, in its own process for bench/policy-chain.bench.ts:
 * `node --expose-gc --min-semi-space-size=64 --max-semi-space-size=64 --import tsx bench/policy-chain-child.ts N`
 * prints one JSON line: heap bytes allocated per call through the whole chain, and per bare
 * request (the same `BenchCall` constructor, nothing else).
 *
 * Method: after a warm-up, the N calls run in chunks; each chunk starts from a full
 * collection (`gc()`), and its bytes are the growth of `heapUsed` over the chunk. A chunk is
 * small enough that no scavenge runs inside it (collections are watched for through
 * `performance` gc entries; a chunk during which one started is discarded and counted), so the growth is
 * what the chunk allocated.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { allocateBareRequests, PolicyChain, type BenchCall } from './policy-chain.js';

const total = Number(process.argv[2]);
if (!(Number.isInteger(total) && total > 0)) {
  console.error('usage: node --expose-gc --import tsx bench/policy-chain-child.ts CALLS');
  process.exit(2);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('policy-chain child needs --expose-gc');
const CHUNK = 50_000;
const WARMUP = 200_000;

/** Start times of the collections seen (entries arrive asynchronously, after the chunk). */
const gcStarts: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcStarts.push(e.startTime);
});
observer.observe({ entryTypes: ['gc'] });
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Bytes per unit of `work(CHUNK)` over `total` units, skipping chunks a collection ran in. */
async function measure(work: (n: number) => void): Promise<{ bytesPerCall: number; chunks: number; discarded: number }> {
  let bytes = 0;
  let counted = 0;
  let discarded = 0;
  for (let done = 0; done < total; done += CHUNK) {
    gc!();
    await tick();
    const t0 = performance.now();
    const before = process.memoryUsage().heapUsed;
    work(CHUNK);
    const after = process.memoryUsage().heapUsed;
    const t1 = performance.now();
    await tick();
    await tick();
    if (gcStarts.some((t) => t >= t0 && t <= t1)) {
      discarded++;
      continue;
    }
    bytes += after - before;
    counted += CHUNK;
  }
  if (counted === 0) throw new Error('policy-chain child: a collection ran inside every chunk');
  return { bytesPerCall: bytes / counted, chunks: counted / CHUNK, discarded };
}

const chain = new PolicyChain();
chain.run(WARMUP);
const sink: { last: BenchCall | null } = { last: null };
allocateBareRequests(WARMUP, sink);
const calls = await measure((n) => chain.run(n));
chain.check();
const bare = await measure((n) => allocateBareRequests(n, sink));
observer.disconnect();
console.log(JSON.stringify({ calls: chain.calls, chain: calls, bare }));
