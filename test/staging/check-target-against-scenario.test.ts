import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario } from '../../scenarios/parse-scenario.js';
import { checkTargetAgainstScenario } from '../../sim/staging/check-target-against-scenario.js';
import { loadTargetFile } from '../../sim/staging/load-target-file.js';
import { TargetFileError } from '../../sim/staging/target-file-error.js';
import { heads, TARGET, targetOf, withLine } from './target-fixtures.js';

const SHOP = parseScenario(
  `version: 1
name: shop
services:
  frontend: { calls: [{ to: checkout }] }
  checkout: { calls: [{ parallel: [{ to: payments }, { to: inventory }] }] }
  payments: { protocol: grpc }
  inventory: {}
load:
  shoppers: { executor: constant-arrival-rate, rate: 10/s, duration: 5m, target: frontend }
faults:
  - { kind: latency, service: payments, delay: 100ms, at: 1m, for: 1m }
  - { kind: partition, edge: checkout->inventory, at: 2m, for: 30s }
  - { kind: abort, service: checkout, status: 503, percent: 10, at: 3m, for: 30s }
`,
  'shop.yaml',
);

function check(text: string, options?: { faults?: boolean }): string[] {
  return heads(checkTargetAgainstScenario(targetOf(text), SHOP, options));
}

describe('checkTargetAgainstScenario', () => {
  it('finds nothing when the target fits: entry mapped, L4 faults proxied, L7 faults by headers, load within maxDuration', () => {
    expect(check(TARGET)).toEqual([]);
  });

  it('reports a mapped service the scenario does not have, at its key, with the nearest name', () => {
    expect(check(withLine(10, '  paymnts: { grpc: "payments.staging.example.internal:9090" }'))).toEqual([
      'target.yaml:10:3: services.paymnts: the scenario has no service "paymnts" (expected one of frontend, checkout, payments, inventory) — did you mean "payments"?',
    ]);
  });

  it('reports proxies for unknown services, edges from or to unknown services, and edges along which nothing calls', () => {
    const text = withLine(15, '      "checkout->inventry": a\n      paymens: b\n      "frontend->payments": c');
    expect(check(text, { faults: false })).toEqual([
      'target.yaml:15:7: toxiproxy[0].proxies["checkout->inventry"]: the scenario has no service "inventry" (expected one of frontend->checkout, checkout->payments, checkout->inventory) — did you mean "checkout->inventory"?',
      'target.yaml:16:7: toxiproxy[0].proxies.paymens: the scenario has no service "paymens" (expected one of frontend, checkout, payments, inventory) — did you mean "payments"?',
      'target.yaml:17:7: toxiproxy[0].proxies["frontend->payments"]: frontend does not call payments in the scenario (expected one of frontend->checkout, checkout->payments, checkout->inventory)',
    ]);
  });

  it('reports a service the load enters that has no address, at services', () => {
    expect(check(withLine(9, ''))).toEqual([
      'target.yaml:9:3: services: no address for frontend, which load "shoppers" sends requests to (expected frontend: { url: "http://host:port" })',
    ]);
  });

  it('reports a gRPC service mapped to a url and an HTTP service mapped to grpc, at the key', () => {
    const text = withLine(10, '  payments: { url: "http://payments.staging.example.internal:9090" }', withLine(9, '  frontend: { grpc: "frontend.staging.example.internal:8080" }'));
    const issues = checkTargetAgainstScenario(targetOf(text), SHOP);
    expect(issues.map((issue) => issue.code)).toEqual(['FL_TARGET_PROTOCOL', 'FL_TARGET_PROTOCOL']);
    expect(heads(issues)).toEqual([
      'target.yaml:9:15: services.frontend.grpc: frontend serves HTTP in the scenario (protocol: http1), not gRPC (expected url: "http://host:port")',
      'target.yaml:10:15: services.payments.url: payments serves gRPC in the scenario (protocol: grpc), not HTTP (expected grpc: "host:port")',
    ]);
  });

  it('reports each L4 fault on a service or edge without a proxy, at toxiproxy', () => {
    const text = withLine(14, '      frontend: f', withLine(15, ''));
    const issues = checkTargetAgainstScenario(targetOf(text), SHOP);
    expect(issues.map((issue) => issue.code)).toEqual(['FL_TARGET_MISSING', 'FL_TARGET_MISSING']);
    expect(heads(issues)).toEqual([
      'target.yaml:12:3: toxiproxy: no Toxiproxy proxy for payments, which faults[0] (latency on payments, at 1m for 1m) needs (expected a proxy for "payments" under toxiproxy[].proxies)',
      'target.yaml:12:3: toxiproxy: no Toxiproxy proxy for checkout->inventory, which faults[1] (partition on checkout->inventory, at 2m for 30s) needs (expected a proxy for "checkout->inventory" under toxiproxy[].proxies)',
    ]);
  });

  it('does not take a proxy on an edge into a service for a proxy of the service', () => {
    const text = withLine(14, '      "checkout->payments": p');
    expect(check(text)).toEqual([
      'target.yaml:12:3: toxiproxy: no Toxiproxy proxy for payments, which faults[0] (latency on payments, at 1m for 1m) needs (expected a proxy for "payments" under toxiproxy[].proxies)',
    ]);
  });

  it('points at the top of the file when the file has no toxiproxy or l7Faults at all', () => {
    const text = TARGET.split('\ntoxiproxy:')[0] + '\n';
    expect(check(text)).toEqual([
      'target.yaml:1:1: no Toxiproxy proxy for payments, which faults[0] (latency on payments, at 1m for 1m) needs (expected a proxy for "payments" under toxiproxy[].proxies)',
      'target.yaml:1:1: no Toxiproxy proxy for checkout->inventory, which faults[1] (partition on checkout->inventory, at 2m for 30s) needs (expected a proxy for "checkout->inventory" under toxiproxy[].proxies)',
      'target.yaml:1:1: faults[2] (abort on checkout, at 3m for 30s) is an L7 fault, and l7Faults is none (expected l7Faults: headers, for a mesh whose fault filter takes its x-envoy-fault-* headers)',
    ]);
  });

  it('reports an L7 fault when l7Faults is none, at l7Faults', () => {
    expect(check(withLine(16, 'l7Faults: none'))).toEqual([
      'target.yaml:16:11: l7Faults: faults[2] (abort on checkout, at 3m for 30s) is an L7 fault, and l7Faults is none (expected l7Faults: headers, for a mesh whose fault filter takes its x-envoy-fault-* headers)',
    ]);
  });

  it('leaves faults alone when asked to (what needs only the load)', () => {
    const text = withLine(14, '', withLine(16, 'l7Faults: none'));
    expect(check(text)).toHaveLength(2);
    expect(check(text, { faults: false })).toEqual([]);
  });

  it('reports a load that runs beyond maxDuration, at maxDuration', () => {
    const issues = checkTargetAgainstScenario(targetOf(withLine(7, 'maxDuration: 4m59s')), SHOP);
    expect(issues.map((issue) => issue.code)).toEqual(['FL_TARGET_TOO_LONG']);
    expect(heads(issues)).toEqual(["target.yaml:7:14: maxDuration: the scenario's load runs until 5m, beyond this target's maxDuration (expected at least 5m, or a shorter run)"]);
    expect(check(withLine(7, 'maxDuration: 5m'))).toEqual([]);
  });

  it('gives issues that a TargetFileError prints with code frames', () => {
    const loaded = targetOf(withLine(7, 'maxDuration: 1m'));
    const error = new TargetFileError(checkTargetAgainstScenario(loaded, SHOP), loaded.text);
    expect(error.code).toBe('FL_TARGET_TOO_LONG');
    expect(error.message).toContain('7 | maxDuration: 1m\n  |              ^');
  });
});

describe('the shipped example target', () => {
  it('scenarios/staging/shop-staging.yaml fits scenarios/three-tier-shop.yaml, on loopback only', () => {
    const root = join(import.meta.dirname, '../../scenarios');
    const loaded = loadTargetFile(join(root, 'staging/shop-staging.yaml'));
    const { scenario } = loadScenarioFile(join(root, 'three-tier-shop.yaml'));
    expect(checkTargetAgainstScenario(loaded, scenario)).toEqual([]);
    expect(loaded.target.allowHosts).toEqual(['127.0.0.1', 'localhost']);
  });
});
