/**
 * What a second core could buy live mode (bench/RESULTS.md, "Thread layout"; the reasoning is
 * in docs/live-mode-threads.md). The closed-loop throughput of one sidecar pair (the "mesh"
 * phase of sidecar-overhead.ts: ingress router → undici over mTLS → sniffing listener → inbound
 * chain → service model) is measured, in interleaved rounds,
 *
 *   one   in one process with `--vus` virtual users: today's layout, everything on one thread;
 *   two   in two processes at once, each a whole mesh with half the virtual users: the most
 *         that splitting the services over two threads could give, since two independent
 *         halves share nothing (a real split would add the cross-thread traffic of the edges
 *         it cuts, and the merging of clocks, faults, timeline and statistics).
 *
 * Processes stand in for worker threads: the same cores, the same event loops, and the TS
 * sources load in a child (tsx does not reach worker threads on Node 20). CPU per request is
 * reported beside throughput: it is what stays comparable when the machine is shared.
 *
 *   npx tsx bench/live-thread-layout.ts [--vus 64] [--seconds 10] [--rounds 3]
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    vus: { type: 'string', default: '64' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
});
const VUS = Number(values.vus);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const SIDECAR_BENCH = fileURLToPath(new URL('./sidecar-overhead.ts', import.meta.url));

/** One mesh's closed-loop figures, as sidecar-overhead.ts prints them. */
interface MeshFigures {
  readonly perS: number;
  readonly cpuPctOfCore: number;
  readonly p50: number;
}

/** Runs one closed-loop mesh phase with `vus` users in a child process; resolves with its figures. */
function meshInChild(vus: number): Promise<MeshFigures> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', SIDECAR_BENCH, '--only', 'mesh-closed', '--vus', String(vus), '--closed-seconds', String(SECONDS)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => {
      const m = /, ([\d.]+)\/s, .* p50 ([\d.]+) .* CPU (\d+)% of a core/.exec(out);
      if (m === null) return reject(new Error(`unexpected output: ${out}`));
      resolve({ perS: Number(m[1]), p50: Number(m[2]), cpuPctOfCore: Number(m[3]) });
    });
  });
}

/** CPU milliseconds one request costs, all processes together. */
function cpuMsPerRequest(figures: readonly MeshFigures[]): number {
  const cpuMsPerS = figures.reduce((sum, f) => sum + f.cpuPctOfCore * 10, 0);
  const perS = figures.reduce((sum, f) => sum + f.perS, 0);
  return cpuMsPerS / perS;
}

async function main(): Promise<void> {
  const ratios: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const load1 = loadavg()[0];
    const one = await meshInChild(VUS);
    const two = await Promise.all([meshInChild(VUS / 2), meshInChild(VUS / 2)]);
    const twoPerS = two[0].perS + two[1].perS;
    ratios.push(twoPerS / one.perS);
    console.log(
      `round ${round} (load ${load1.toFixed(2)}): one thread ${one.perS.toFixed(0)} req/s (${one.cpuPctOfCore}% CPU, ${cpuMsPerRequest([one]).toFixed(3)} CPU-ms/req, p50 ${one.p50.toFixed(2)} ms); ` +
        `two halves ${twoPerS.toFixed(0)} req/s (${two.map((f) => `${f.cpuPctOfCore}%`).join(' + ')} CPU, ${cpuMsPerRequest(two).toFixed(3)} CPU-ms/req); ratio ${(twoPerS / one.perS).toFixed(2)}`,
    );
  }
  ratios.sort((a, b) => a - b);
  console.log(`median ratio two/one: ${ratios[Math.floor(ratios.length / 2)].toFixed(2)} over ${ROUNDS} rounds`);
}

void main();
