/**
 * constant-vus on real time against node:http: exactly N requests in flight when no one
 * thinks, think time between a VU's answer and its next request, and nothing started after
 * the duration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { UndiciTarget } from '../../../sim/live/load/undici-target.js';
import { load, startLoad, startServer, undiciTarget, type Result, type TestServer } from './load-fixture.js';

describe('closed loop (constant-vus) against node:http', () => {
  const opened: { server: TestServer; target: UndiciTarget }[] = [];
  afterEach(async () => {
    for (const { server, target } of opened.splice(0)) {
      await target.close();
      await server.close();
    }
  });
  async function serve(delayMs: number): Promise<{ server: TestServer; target: UndiciTarget }> {
    const server = await startServer((_req, res) => setTimeout(() => res.end('ok'), delayMs));
    const pair = { server, target: undiciTarget(server) };
    opened.push(pair);
    return pair;
  }
  const byVu = (results: Result[]): Map<number, Result[]> => {
    const m = new Map<number, Result[]>();
    for (const r of [...results].sort((a, b) => a.id - b.id)) m.set(r.vu, [...(m.get(r.vu) ?? []), r]);
    return m;
  };

  it('keeps exactly N requests in flight without think time', async () => {
    const { server, target } = await serve(30);
    const samples: number[] = [];
    const run = startLoad(load({ executor: 'constant-vus', vus: 3, duration: '600ms' }), target);
    // Sampled by the server too: every request it holds is one of the 3.
    const sampler = setInterval(() => samples.push(run.load.inFlightCount), 7);
    const report = await run.done;
    clearInterval(sampler);
    expect(server.maxActive).toBe(3);
    expect(Math.max(...samples)).toBe(3);
    // Samples during the window: 3 whenever the loop is not between an answer and the next send (same tick).
    expect(samples.filter((n) => n === 3).length).toBeGreaterThan(samples.length / 2);
    expect(report.planned).toBe(report.sent);
    expect(report.plannedPerS).toBeNull();
    expect([...byVu(run.results).keys()].sort()).toEqual([0, 1, 2]);
    // Response-time law: at most 3 × 600 / 30 = 60 requests (plus one each in flight at the end).
    expect(report.sent).toBeLessThanOrEqual(63);
    expect(report.sent).toBeGreaterThanOrEqual(15);
    expect([report.answered, report.ok, report.interrupted]).toEqual([report.sent, report.sent, 0]);
  });

  it('each VU thinks between an answer and its next request', async () => {
    const { server, target } = await serve(20);
    const run = startLoad(load({ executor: 'constant-vus', vus: 4, duration: '1s', thinkTime: { type: 'uniform', min: '10ms', max: '30ms' } }), target);
    const report = await run.done;
    expect(server.maxActive).toBeLessThanOrEqual(4);
    for (const [, results] of byVu(run.results)) {
      for (let i = 1; i < results.length; i++) {
        const think = results[i].intendedAt - results[i - 1].answeredAt;
        expect(think).toBeGreaterThanOrEqual(10);
        expect(think).toBeLessThan(30);
        expect(results[i].sentAt).toBeGreaterThanOrEqual(results[i].intendedAt);
      }
    }
    // A cycle is ≥ 20 ms of service + ≥ 10 ms of thought: at most 4 × ⌈1000 / 30⌉ requests.
    expect(report.sent).toBeLessThanOrEqual(4 * 34);
    expect(report.sent).toBeGreaterThanOrEqual(20);
    // No VU starts after the duration: every request was intended within the window.
    for (const r of run.results) expect(r.intendedAt - run.origin).toBeLessThan(1000);
  });

  it('same seed, same think times and classes', async () => {
    const { target } = await serve(5);
    const spec = load({ executor: 'constant-vus', vus: 1, duration: '300ms', thinkTime: { type: 'exponential', mean: '10ms' }, classes: [{ name: 'a' }, { name: 'b', weight: 3 }] });
    const thinks = async (seed: number): Promise<{ classes: number[]; thinks: number[] }> => {
      const run = startLoad(spec, target, { seed });
      await run.done;
      const rs = byVu(run.results).get(0)!;
      return { classes: rs.map((r) => r.classIndex).slice(0, 8), thinks: rs.slice(1, 8).map((r, i) => r.intendedAt - rs[i].answeredAt) };
    };
    const [a, b, c] = [await thinks(3), await thinks(3), await thinks(4)];
    expect(a.classes).toEqual(b.classes);
    a.thinks.forEach((t, i) => expect(t).toBeCloseTo(b.thinks[i], 6));
    expect(c.thinks).not.toEqual(a.thinks);
  });
});
