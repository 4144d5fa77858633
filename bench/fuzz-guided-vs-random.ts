/**
 * Runs-to-find of the margin-guided search against pure random search, for each planted bug
 * of scenarios/fuzz/, over the same campaign seeds: the search alone (no single-fault matrix,
 * no shrinking), in this thread. `npx tsx bench/fuzz-guided-vs-random.ts [SEEDS] [FILE...]`.
 * A campaign that finds nothing within 2,000 runs counts as 2,001 (and is reported).
 */
import { join } from 'node:path';
import { loadScenarioFile } from '../scenarios/parse-scenario.js';
import { InThreadSimulator } from '../sim/fuzz/case-simulator.js';
import { runCampaign, type FuzzGuidance } from '../sim/fuzz/fuzz-campaign.js';
import { fuzzSpaceOf } from '../sim/fuzz/fuzz-space.js';
import { CaseRunner } from '../sim/fuzz/run-case.js';

const BUDGET = 2000;
const seeds = Number(process.argv[2] ?? 15);
const files = process.argv.length > 3 ? process.argv.slice(3) : ['breaker-two-crashes', 'retry-storm-spike', 'zone-failover-load', 'certificate-rotation-outage'].map((n) => join(import.meta.dirname, `../scenarios/fuzz/${n}.yaml`));

async function runsToFind(file: string, seed: number, guidance: FuzzGuidance): Promise<number> {
  const loaded = loadScenarioFile(file);
  const space = fuzzSpaceOf(loaded.scenario);
  const simulator = new InThreadSimulator(new CaseRunner(space, loaded));
  const result = await runCampaign(space, simulator, { runs: BUDGET, seed, strategy: 'random', guidance, shrink: false });
  return result.found?.runsToFind ?? BUDGET + 1;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

console.log(`| planted bug | guided: median (min–max) | random: median (min–max) | guided ÷ random | not found (guided / random) |`);
console.log(`| --- | --- | --- | --- | --- |`);
for (const file of files) {
  const guided: number[] = [];
  const random: number[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    guided.push(await runsToFind(file, seed, 'margin'));
    random.push(await runsToFind(file, seed, 'none'));
  }
  const range = (xs: number[]) => `${median(xs)} (${Math.min(...xs)}–${Math.max(...xs)})`;
  const missed = (xs: number[]) => xs.filter((x) => x > BUDGET).length;
  const name = file.split('/').pop();
  console.log(`| ${name} | ${range(guided)} | ${range(random)} | ${(median(guided) / median(random)).toFixed(2)} | ${missed(guided)} / ${missed(random)} |`);
  if (process.env.VERBOSE) console.log(JSON.stringify({ guided, random }));
}
