import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario } from '../../scenarios/parse-scenario.js';
import { errorOf } from './helpers.js';

const TEXT = `version: 1
name: checkout
zones: [eu-1a, eu-1b]
network:
  crossZone: { type: lognormal, median: 1ms, p99: 4ms }
services:
  front:
    replicas: 2
    zones: [eu-1a, eu-1b]
    latency: 1.5s
    calls:
      - to: pay
      - parallel: [{ to: pay, optional: true }]
  pay:
    latency: { type: uniform, min: 500us, max: 2m }
    errorRate: 0.01
mesh:
  policies:
    - to: pay
      timeout: 250ms
load:
  shoppers:
    executor: ramping-arrival-rate
    stages: [{ duration: 1h, target: 30/m }]
    target: front
    classes: [{ name: gold, headers: { x-tier: gold } }]
faults:
  - { kind: abort, service: pay, at: 1s, for: 2s }
thresholds:
  latency: ['p(99)<500']
`;

describe('parseScenario: a valid scenario', () => {
  it('normalises durations to ms and rates to per ms, and fills defaults', () => {
    expect(parseScenario(TEXT, 'checkout.yaml')).toEqual({
      version: 1,
      name: 'checkout',
      description: '',
      seed: 1,
      zones: ['eu-1a', 'eu-1b'],
      network: {
        sameZone: { type: 'constant', value: 0 },
        crossZone: { type: 'lognormal', median: 1, p99: 4 },
        between: [],
      },
      services: {
        front: {
          replicas: 2,
          zones: ['eu-1a', 'eu-1b'],
          concurrency: 16,
          queue: 128,
          latency: { type: 'constant', value: 1500 },
          errorRate: 0,
          calls: [
            { to: 'pay', optional: false, method: 'GET', path: '/' },
            { parallel: [{ to: 'pay', optional: true, method: 'GET', path: '/' }] },
          ],
          namespace: 'default',
          deadlinePropagation: false,
          protocol: 'http1',
        },
        pay: {
          replicas: 1,
          concurrency: 16,
          queue: 128,
          latency: { type: 'uniform', min: 0.5, max: 120_000 },
          errorRate: 0.01,
          calls: [],
          namespace: 'default',
          deadlinePropagation: false,
          protocol: 'http1',
        },
      },
      mesh: { policies: [{ from: '*', to: 'pay', timeout: 250 }] },
      security: {
        trustDomain: 'cluster.local',
        certificates: { ttl: 86_400_000, graceRatio: 0.5 },
        mtls: 'PERMISSIVE',
        peerAuthentication: [],
        authorization: [],
        requestAuthentication: [],
        issuers: [],
        tokens: {},
      },
      load: {
        shoppers: {
          executor: 'ramping-arrival-rate',
          startRate: 0,
          stages: [{ duration: 3_600_000, target: 30 / 60_000 }],
          arrivals: 'poisson',
          target: 'front',
          startTime: 0,
          gracefulStop: 30_000,
          classes: [{ name: 'gold', weight: 1, headers: { 'x-tier': 'gold' }, method: 'GET', path: '/' }],
        },
      },
      faults: [{ kind: 'abort', status: 503, percent: 100, at: 1000, for: 2000, service: 'pay' }],
      thresholds: { latency: ['p(99)<500'] },
      report: { resolution: 1000 },
    });
  });

  it('parses every scenario shipped in scenarios/ (scenarios/staging/ holds staging target files)', () => {
    const root = new URL('../../scenarios/', import.meta.url);
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'schema.json' && !f.startsWith('staging/'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(() => loadScenarioFile(join(root.pathname, file)), file).not.toThrow();
  });
});

describe('loadScenarioFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-scenarios-'));

  it('returns the text, and the SHA-256 of the bytes (BOM and CRLF included)', () => {
    const path = join(dir, 'checkout.yaml');
    const bytes = Buffer.from(`\uFEFF${TEXT.replaceAll('\n', '\r\n')}`, 'utf8');
    writeFileSync(path, bytes);
    const loaded = loadScenarioFile(path);
    expect(loaded.file).toBe(path);
    expect(loaded.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(loaded.sha256).not.toBe(createHash('sha256').update(loaded.text).digest('hex'));
    expect(loaded.scenario).toEqual(parseScenario(TEXT, path));
  });

  it.each([
    ['a missing file', 'missing.yaml', 'cannot read the file: ENOENT'],
    ['a directory', '.', 'not a regular file but a directory'],
  ])('fails with FL_SCENARIO_IO for %s', (_, name, message) => {
    const path = join(dir, name);
    expect(() => loadScenarioFile(path)).toThrow(
      expect.objectContaining({ code: 'FL_SCENARIO_IO', issues: [expect.objectContaining({ file: path, message: expect.stringContaining(message) })] }),
    );
  });

  it('fails with FL_SCENARIO_IO for bytes that are not UTF-8', () => {
    const path = join(dir, 'latin1.yaml');
    writeFileSync(path, Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0x20, 0xe9, 0x0a]));
    expect(() => loadScenarioFile(path)).toThrow(expect.objectContaining({ code: 'FL_SCENARIO_IO', message: `${path}:1:1: the file is not UTF-8 text` }));
  });

  it('names the file in located messages', () => {
    expect(errorOf('version: 1\nname: [\n', 'dir/shop.yaml').message).toMatch(/^dir\/shop\.yaml:3:1: /);
  });
});
