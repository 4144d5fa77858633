/**
 * Every script the generator writes type-checks against k6's own types (@types/k6, with
 * `types: ["k6"]` as a k6 project sets it): one tsc run over the scripts of every shipped
 * scenario with a load, the shipped target, and scenarios that reach every part of the
 * generator (gRPC, ramps, closed loops with each think-time distribution, tokens, odd names
 * and header values). A hand-written negative control in the same run must fail, so the
 * check is known to bite.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario } from '../../scenarios/parse-scenario.js';
import { exportK6Script } from '../../sim/k6/export-k6.js';
import { loadTargetFile, parseTargetFile } from '../../sim/staging/load-target-file.js';

const REPO = join(import.meta.dirname, '../..');

/** A scenario reaching every branch of the script template. */
const EVERYTHING = `version: 1
name: "every part of the generator: \\"quotes\\", a // comment and a */ too"
services:
  web-front.v2: { calls: [{ to: api }] }
  api: {}
  rpc: { protocol: grpc }
  h2: { protocol: http2 }
security:
  issuers: [{ issuer: https://idp.example, key: k1 }]
  tokens:
    gold-user: { issuer: https://idp.example, subject: alice }
load:
  open.shop:
    executor: constant-arrival-rate
    rate: 2.5/s
    duration: 90s
    maxVUs: 7
    target: web-front.v2
    classes:
      - { name: gold, weight: 1.5, token: gold-user, method: POST, path: orders, headers: { X-Tier: "gold'\\"\`\${x}" } }
      - { name: free, weight: 8.5, path: /items?q=1 }
  ramp:
    executor: ramping-arrival-rate
    startRate: 30/m
    stages: [{ duration: 1m, target: 2/s }, { duration: 30s, target: 0/s }]
    arrivals: uniform
    target: api
  calls:
    executor: constant-arrival-rate
    rate: 20/s
    duration: 1m
    target: rpc
    classes: [{ name: ping, path: /faultline.echo.v1.Echo/Call, headers: { x-user: bob } }, { name: pong, path: pkg.Pong/Get }]
  h2load: { executor: constant-vus, vus: 2, duration: 10s, target: h2, thinkTime: { type: uniform, min: 10ms, max: 20ms } }
  think-exp: { executor: constant-vus, vus: 1, duration: 10s, target: api, thinkTime: { type: exponential, mean: 100ms } }
  think-normal: { executor: constant-vus, vus: 1, duration: 10s, target: api, thinkTime: { type: normal, mean: 100ms, stddev: 30ms } }
  think-lognormal: { executor: constant-vus, vus: 1, duration: 10s, target: api, thinkTime: { type: lognormal, median: 50ms, p99: 400ms } }
  think-pareto: { executor: constant-vus, vus: 1, duration: 10s, target: api, thinkTime: { type: pareto, scale: 10ms, shape: 2.5 } }
  think-empirical: { executor: constant-vus, vus: 1, duration: 10s, target: api, thinkTime: { type: empirical, percentiles: { p50: 10ms, p99: 80ms } } }
  think-constant: { executor: constant-vus, vus: 1, duration: 10s, target: api, thinkTime: 250ms }
thresholds:
  latency: ['p(99)<1.5s', { threshold: 'p(90)<1s', abortOnFail: true, delayAbortEval: 10s }]
  success{class:gold}: ['rate>0.99', { threshold: 'rate>0.5', abortOnFail: true }]
  errors{class:ping}: ['rate<0.01']
  latency{edge:calls->rpc}: ['p(90)<20']
  requests: ['count>10']
`;

/** A target for {@link EVERYTHING}: gRPC over TLS, a base URL with a path prefix and a trailing slash. */
const EVERYTHING_TARGET = `version: 1
target: everything
allowHosts: ["*.staging.example.internal"]
maxDuration: 1h
services:
  web-front.v2: { url: "https://web.staging.example.internal/prefix/" }
  api: { url: "http://api.staging.example.internal:8080" }
  rpc: { grpc: "rpc.staging.example.internal:443", tls: true }
  h2: { url: "https://h2.staging.example.internal" }
`;

/** Fails type-checking on purpose: a rate as a string, as the k6 types forbid (TS2322). */
const NEGATIVE_CONTROL = `import type { Options } from 'k6/options';
export const options: Options = {
  scenarios: { open: { executor: 'constant-arrival-rate', rate: '200', timeUnit: '1s', duration: '30s', preAllocatedVUs: 1 } },
};
export default function (): void {}
`;

describe('generated k6 scripts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-k6-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('type-check against @types/k6, and the negative control does not', () => {
    mkdirSync(join(dir, 'k6'));
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const scripts: Record<string, string> = {};
    const shipped = readdirSync(join(REPO, 'scenarios'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml') && !f.startsWith('staging/'));
    for (const file of shipped) {
      const scenario = loadScenarioFile(join(REPO, 'scenarios', file));
      if (Object.keys(scenario.scenario.load).length === 0) continue;
      scripts[file.replace(/\W/g, '_')] = exportK6Script({ scenario });
    }
    const shop = loadScenarioFile(join(REPO, 'scenarios/three-tier-shop.yaml'));
    scripts.shop_with_target = exportK6Script({ scenario: shop, target: loadTargetFile(join(REPO, 'scenarios/staging/shop-staging.yaml')), out: 'load.ts' });
    const everything = { scenario: parseScenario(EVERYTHING, 'everything.yaml'), file: 'everything.yaml' };
    scripts.everything = exportK6Script({ scenario: everything });
    scripts.everything_with_target = exportK6Script({ scenario: everything, target: parseTargetFile(EVERYTHING_TARGET, 'everything-target.yaml') });
    expect(Object.keys(scripts).length).toBeGreaterThanOrEqual(20);
    for (const [name, text] of Object.entries(scripts)) writeFileSync(join(dir, 'k6', `${name}.ts`), text);
    writeFileSync(join(dir, 'k6', 'negative_control.ts'), NEGATIVE_CONTROL);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2020', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2020'], types: ['k6'], strict: true, noEmit: true, isolatedModules: true },
        include: ['k6/*.ts'],
      }),
    );
    const output = tsc(dir);
    const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors.filter((line) => !line.startsWith('k6/negative_control.ts(')), output).toEqual([]);
    expect(errors.length, output).toBeGreaterThan(0);
    expect(errors.every((line) => line.includes('error TS2322')), output).toBe(true);
  });
});

/** tsc's output over the project in `dir` (it exits non-zero on errors, which the negative control makes). */
function tsc(dir: string): string {
  try {
    return execFileSync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: dir, encoding: 'utf8' });
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}
