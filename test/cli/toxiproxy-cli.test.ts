/**
 * `faultline toxiproxy` as a user starts it: a child process serving Toxiproxy's API on
 * loopback, proxies from a --config file, toxiproxy-node-client driving it, and SIGINT or
 * SIGTERM closing everything — after which the process exits 0, which it could not do with a
 * socket or timer left open. A bad command line or config file is refused with exit 2.
 */
import { spawn, spawnSync } from 'node:child_process';
import { faultlineInProcess } from './in-process-cli.js';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness, roundTrip } from '../toxiproxy/toxiproxy-harness.js';

const SOURCE = join(import.meta.dirname, '../../sim/cli/faultline.ts');
const dir = mkdtempSync(join(tmpdir(), 'faultline-toxiproxy-'));
const harness = new Harness();
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await harness.close();
});

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `faultline toxiproxy …args` in this process: refusals start nothing, so they need no child process of their own. */
async function inProcess(args: string[]): Promise<{ status: number; stderr: string }> {
  const r = await faultlineInProcess(['toxiproxy', ...args]);
  return { status: r.code, stderr: r.stderr };
}

function run(args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync(process.execPath, ['--import', 'tsx', SOURCE, 'toxiproxy', ...args], { encoding: 'utf8', timeout: 60_000 });
}

/** Starts the server; resolves once its startup line names the API's URL. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string; stdout: () => string; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SOURCE, 'toxiproxy', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (data) => (stderr += data));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (data) => {
      stdout += data;
      const url = /API on (http:\/\/\S+?)[,;]/.exec(stdout)?.[1];
      if (url) resolve({ child, url, stdout: () => stdout, stderr: () => stderr, exited });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

describe('faultline toxiproxy', () => {
  it('--help teaches the API with curl and toxiproxy-node-client', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('curl -s -X POST 127.0.0.1:8474/proxies');
    expect(r.stdout).toContain("new Toxiproxy('http://127.0.0.1:8474')");
    expect(r.stdout).toContain('limit_data');
  }, 60_000);

  it('serves the API on loopback, loads --config, obeys the client, and on SIGTERM closes everything and exits 0', async () => {
    const echo = await harness.echo();
    const config = file('proxies.json', JSON.stringify([{ name: 'echo', listen: '127.0.0.1:0', upstream: echo }, { name: 'off', listen: '127.0.0.1:0', upstream: echo, enabled: false }]));
    const server = await start(['--config', config, '--seed', '5']);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.stdout()).toContain('2 proxies from');
    const toxiproxy = new Toxiproxy(server.url);
    const proxies = await toxiproxy.getAll();
    expect(Object.keys(proxies).sort()).toEqual(['echo', 'off']);
    expect(proxies.off.enabled).toBe(false);
    const socket = await harness.connect(proxies.echo.listen);
    await proxies.echo.addToxic({ type: 'latency', attributes: { latency: 100, jitter: 0 } } as never);
    expect(await roundTrip(socket)).toBeGreaterThanOrEqual(100);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await closed;
    expect(server.stderr()).toContain('stopped by SIGTERM');
  }, 60_000);

  it('SIGINT exits 0 too', async () => {
    const server = await start([]);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  }, 60_000);

  it('warns on stderr when asked to listen beyond loopback', async () => {
    const server = await start(['--host', '0.0.0.0']);
    expect(server.stderr()).toContain('warning: the API listens on 0.0.0.0, reachable from other machines');
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);

  it('refuses a bad config file with each problem located (exit 2), starting nothing', () => {
    const config = file('bad.json', '[\n  {"name": "a", "listen": "127.0.0.1:0", "upstrem": "x:1"},\n  {"name": "a", "listen": "nope", "upstream": "x:1", "enabled": "yes"}\n]\n');
    const r = run(['--config', config]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${config}:2:3: [0]: 'upstream' is missing`);
    expect(r.stderr).toContain(`${config}:2:42: [0].upstrem: unknown key 'upstrem'`);
    expect(r.stderr).toContain('did you mean "upstream"?');
    expect(r.stderr).toContain(`${config}:3:12: [1].name: a second proxy named 'a'`);
    expect(r.stderr).toContain('[1].listen: not an address: address nope: missing port in address');
    expect(r.stderr).toContain("[1].enabled: 'enabled' must be true or false");
  }, 60_000);

  it('refuses a config that is not a list, is not JSON, or is missing (exit 2)', async () => {
    expect((await inProcess(['--config', file('object.json', '{"name": "a"}')])).stderr).toContain('a Toxiproxy config is a list of proxies');
    const broken = await inProcess(['--config', file('broken.json', '[{"name": "a",')]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('broken.json:1:');
    const missing = await inProcess(['--config', join(dir, 'missing.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read the file');
  }, 60_000);

  it('refuses bad options (exit 2) and a taken port (exit 3)', async () => {
    expect((await inProcess(['--port', '70000'])).status).toBe(2);
    expect((await inProcess(['--seed', '-1'])).status).toBe(2);
    expect((await inProcess(['--nope'])).status).toBe(2);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const r = await inProcess(['--port', String((taken.address() as AddressInfo).port)]);
      expect(r.status).toBe(3);
      expect(r.stderr).toContain('cannot serve the API on 127.0.0.1:');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);
});
