/**
 * `faultline run --mode live` as a CI job runs it: a child process that starts real servers
 * on 127.0.0.1, judges the thresholds on what the real sockets did, and on SIGINT or SIGTERM
 * still writes the report of what ran — then exits, which it could not do with a socket or a
 * timer left open.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SOURCE = join(import.meta.dirname, '../../sim/cli/faultline.ts');
const dir = mkdtempSync(join(tmpdir(), 'faultline-live-'));

function scenario(name: string, rate: string, duration: string, thresholds: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `version: 1
name: ${name}
services:
  api: { replicas: 2, latency: 2ms, calls: [ { to: db } ] }
  db: { latency: 1ms, errorRate: 0.2 }
load:
  users: { executor: constant-arrival-rate, rate: ${rate}, duration: ${duration}, target: api }
thresholds:
${thresholds}
`,
  );
  return file;
}

describe('faultline run --mode live', () => {
  it('judges the thresholds on real sockets: exit 1 when one fails, with a report in mode live', () => {
    const file = scenario('gate.yaml', '50/s', '1h', `  success: ['rate>0.99']\n  latency: ['p(99)<5000']`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', SOURCE, 'run', file, '--mode', 'live', '--duration', '2s', '--warm-up', '0s', '--json'], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.mode).toBe('live');
    expect(report.entry.requests).toBeGreaterThan(50);
    expect(report.thresholds.map((t: { ok: boolean }) => t.ok)).toEqual([false, true]); // db fails 20% of requests
    expect(report.services.db.errors['5xx']).toBeGreaterThan(0);
  }, 120_000);

  it('runs a gRPC service that requires mTLS (STRICT) and authorizes its caller by certificate', () => {
    const file = join(dir, 'grpc-strict.yaml');
    writeFileSync(
      file,
      `version: 1\nname: g\nservices:\n  front: { protocol: grpc, calls: [ { to: api } ] }\n  api: { protocol: grpc, latency: 1ms }\n` +
        `security:\n  mtls: STRICT\n  authorization:\n    - { service: api, action: ALLOW, rules: [ { from: [ { source: { principals: [cluster.local/ns/default/sa/front] } } ] } ] }\n` +
        `load:\n  u: { executor: constant-arrival-rate, rate: 20/s, duration: 2s, target: front }\n`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', SOURCE, 'run', file, '--mode', 'live', '--json'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.edges['front->api'].requests).toBeGreaterThan(20);
    expect(report.edges['front->api'].ok).toBe(report.edges['front->api'].requests); // every call passed mTLS STRICT and the principal rule
  }, 60_000);

  it('SIGINT stops the load, prints the report so far marked interrupted, and exits 130', async () => {
    const r = await interrupt('SIGINT', ['--json']);
    expect(r.code).toBe(130);
    const report = JSON.parse(r.stdout);
    expect(report.interrupted).toBe(true);
    expect(report.mode).toBe('live');
    expect(report.entry.requests).toBeGreaterThan(0);
    expect(r.stderr).toContain('stopped by SIGINT');
  }, 120_000);

  it('SIGTERM while the mesh is still starting ends the run before its load, writes the report to --out and exits 143', async () => {
    const out = join(dir, 'out');
    const r = await interrupt('SIGTERM', ['--out', out], 'starting');
    expect(r.code).toBe(143);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).interrupted).toBe(true);
  }, 120_000);
});

/**
 * Runs an hour-long live scenario, sends `signal` a second into its load (or, `starting`, as
 * soon as the run listens for signals, while its certificates and servers come up), and
 * collects the outcome.
 */
async function interrupt(signal: 'SIGINT' | 'SIGTERM', args: string[], when: 'load' | 'starting' = 'load') {
  const file = scenario(`long-${signal}.yaml`, '50/s', '1h', `  success: ['rate>0.5']`);
  const child = spawn(process.execPath, ['--import', 'tsx', SOURCE, 'run', file, '--mode', 'live', '--warm-up', '0s', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // 'running': the run listens for signals; 'load started': its servers are up and the load runs.
  const line = when === 'load' ? 'load started' : 'faultline: running';
  for (let i = 0; i < 1800 && !stderr.includes(line); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (when === 'load') await new Promise((resolve) => setTimeout(resolve, 1000));
  child.kill(signal);
  const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 60_000))]);
  if (code === 'hung') child.kill('SIGKILL');
  return { code, stdout, stderr };
}
