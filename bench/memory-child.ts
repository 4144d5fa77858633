/**
 * One M/M/1 run in its own process, for bench/memory.bench.ts: `node --import tsx
 * bench/memory-child.ts N` simulates about N customers and prints one JSON line with the
 * process's peak resident set size (KiB, `process.resourceUsage().maxRSS`).
 */
import { runMm1 } from './mm1-scenario.js';

const customers = Number(process.argv[2]);
if (!(Number.isInteger(customers) && customers > 0)) {
  console.error('usage: node --import tsx bench/memory-child.ts CUSTOMERS');
  process.exit(2);
}
const run = runMm1(customers);
console.log(JSON.stringify({ ...run, maxRssKiB: process.resourceUsage().maxRSS }));
