/**
 * The open loop on real time against a real node:http server on loopback: it sends what was
 * planned at the planned rate, keeps its schedule whatever the server does, counts latency
 * from the intended time, drops beyond maxVUs and follows ramping stages. Tolerances on time
 * are wide: this must not flake on a busy 2-core machine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clock, load, sleep, spin, startLoad, startServer, undiciTarget, type TestServer } from './load-fixture.js';
import type { UndiciTarget } from '../../../sim/live/load/undici-target.js';

describe('open loop (constant- and ramping-arrival-rate) against node:http', () => {
  const opened: { server: TestServer; target: UndiciTarget }[] = [];
  afterEach(async () => {
    for (const { server, target } of opened.splice(0)) {
      await target.close();
      await server.close();
    }
  });
  async function serve(handler?: Parameters<typeof startServer>[0]): Promise<{ server: TestServer; target: UndiciTarget }> {
    const server = await startServer(handler);
    const pair = { server, target: undiciTarget(server) };
    opened.push(pair);
    return pair;
  }

  it('sends the planned count at the planned rate: 200/s for 1 s, uniform', async () => {
    const { server, target } = await serve();
    const started = clock.now();
    const run = startLoad(load({ executor: 'constant-arrival-rate', rate: '200/s', duration: '1s', arrivals: 'uniform' }), target);
    const report = await run.done;
    const took = clock.now() - started;
    expect([report.planned, report.sent, report.answered, report.ok, report.dropped, report.interrupted]).toEqual([200, 200, 200, 200, 0, 0]);
    expect(server.arrivals).toHaveLength(200);
    // The window is 1 s; the last arrival is intended at 995 ms.
    expect(took).toBeGreaterThanOrEqual(995);
    expect(took).toBeLessThan(3000);
    expect(report.windowMs).toBe(1000);
    expect(report.plannedPerS).toBe(200);
    expect(report.achievedPerS).toBeGreaterThan(100);
    expect(report.achievedPerS).toBeLessThanOrEqual(200);
    // Evenly spaced at 5 ms, from the load's origin, and never sent early.
    run.results.sort((a, b) => a.id - b.id);
    run.results.forEach((r, i) => expect(r.intendedAt - run.origin).toBeCloseTo(i * 5, 9));
    for (const r of run.results) expect(r.sentAt).toBeGreaterThanOrEqual(r.intendedAt);
    // Not held back to a burst at the window's end: 100 are planned in the first half. A busy
    // machine (seen: load 10 on 2 cores) delays many past 500 ms, so only "some" is certain;
    // the spacing of the intended times above is the exact check.
    const firstHalf = server.arrivals.filter((t) => t - run.origin < 500).length;
    expect(firstHalf).toBeGreaterThan(0);
    expect(firstHalf).toBeLessThanOrEqual(100);
    expect(report.sendLagMs.max).toBeLessThan(1000);
    expect(report.sendLagMs.p50).toBeGreaterThanOrEqual(0);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
  });

  it('a stalled server does not slow the schedule, and the requests intended during the stall show it', async () => {
    let stall = { from: Infinity, to: Infinity };
    const { server, target } = await serve((_req, res, arrivedAt) => {
      if (arrivedAt >= stall.from && arrivedAt < stall.to) setTimeout(() => res.end('late'), stall.to - arrivedAt);
      else res.end('ok');
    });
    const run = startLoad(load({ executor: 'constant-arrival-rate', rate: '200/s', duration: '1s', arrivals: 'uniform' }), target);
    // The server stops answering for 300 ms, from 300 ms into the load.
    stall = { from: run.origin + 300, to: run.origin + 600 };
    const report = await run.done;
    expect([report.sent, report.answered, report.ok]).toEqual([200, 200, 200]);
    // The rest needs the process to have run during the stall: on a starved machine (seen at
    // load 9 on 2 cores) nothing ran in that window at all, so the stall never happened.
    if (report.eventLoopDelayMs.max > 100) return;
    // The schedule went on: the server was sent (not answered) most of the 60 requests planned during the stall.
    const duringStall = server.arrivals.filter((t) => t >= stall.from && t < stall.to).length;
    expect(duringStall).toBeGreaterThanOrEqual(30);
    // Latency counts from the intended time: those intended in the stall's first 50 ms waited ≥ 250 ms.
    const early = run.results.filter((r) => r.intendedAt >= stall.from && r.intendedAt < stall.from + 50);
    expect(early.length).toBeGreaterThanOrEqual(8);
    for (const r of early) expect(r.latencyMs).toBeGreaterThanOrEqual(250);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(290);
  });

  it('a stalled generator catches up at once and counts latency from the intended time (no coordinated omission)', async () => {
    const { server, target } = await serve();
    const run = startLoad(load({ executor: 'constant-arrival-rate', rate: '200/s', duration: '1s', arrivals: 'uniform' }), target);
    let stalledAt = 0;
    await sleep(300);
    stalledAt = clock.now();
    spin(300); // the whole process stops: no send, no answer
    const report = await run.done;
    expect([report.planned, report.sent, report.answered]).toEqual([200, 200, 200]);
    expect(server.arrivals).toHaveLength(200);
    // Requests meant for the stall's first 100 ms went out after it, and their latency says so.
    const stalled = run.results.filter((r) => r.intendedAt >= stalledAt && r.intendedAt < stalledAt + 100);
    expect(stalled.length).toBeGreaterThanOrEqual(15);
    for (const r of stalled) {
      expect(r.sentAt).toBeGreaterThanOrEqual(stalledAt + 300);
      expect(r.latencyMs).toBeGreaterThanOrEqual(200);
    }
    // The generator says it fell behind: its send lag reached the stall.
    expect(report.sendLagMs.max).toBeGreaterThanOrEqual(200);
    expect(report.fellBehind).toBe(true);
    expect(report.behind.join()).toMatch(/send lag p99/);
    expect(report.eventLoopDelayMs.max).toBeGreaterThanOrEqual(200);
  });

  it('maxVUs: an arrival that finds that many requests in flight is dropped and counted', async () => {
    const { server, target } = await serve((_req, res) => setTimeout(() => res.end('slow'), 300));
    const run = startLoad(load({ executor: 'constant-arrival-rate', rate: '100/s', duration: '1s', arrivals: 'uniform', maxVUs: 10, gracefulStop: '2s' }), target);
    const report = await run.done;
    expect(report.planned).toBe(100);
    expect(report.sent + report.dropped).toBe(100);
    // Nothing is answered before 300 ms, so at least the arrivals from 100 to 290 ms find 10 in flight.
    expect(report.dropped).toBeGreaterThanOrEqual(10);
    expect(server.maxActive).toBeLessThanOrEqual(10);
    expect(server.arrivals).toHaveLength(report.sent);
    expect(report.answered).toBe(report.sent);
  });

  it('ramping-arrival-rate follows its stages: 0 → 200/s over 500 ms, then 200/s for 500 ms', async () => {
    const { server, target } = await serve();
    const spec = load({ executor: 'ramping-arrival-rate', startRate: '0/s', stages: [{ duration: '500ms', target: '200/s' }, { duration: '500ms', target: '200/s' }], arrivals: 'uniform' });
    const run = startLoad(spec, target);
    const report = await run.done;
    // Λ(t) = t²/5000 on the ramp: arrivals 0–12 before 250 ms, 13–49 before 500 ms, then 100 at 5 ms.
    const intended = run.results.map((r) => r.intendedAt - run.origin);
    const count = (ts: number[], from: number, to: number): number => ts.filter((t) => t >= from && t < to).length;
    expect([count(intended, 0, 250), count(intended, 250, 500), count(intended, 500, 1000)]).toEqual([13, 37, 100]);
    expect([report.planned, report.sent]).toEqual([150, 150]);
    expect(report.plannedPerS).toBe(150);
    // The server saw the same shape, give or take the send lag.
    const seen = server.arrivals.map((t) => t - run.origin);
    expect(count(seen, 0, 250)).toBeLessThanOrEqual(13);
    expect(count(seen, 250, 500)).toBeGreaterThanOrEqual(20);
    expect(count(seen, 250, 500)).toBeLessThanOrEqual(50);
    expect(count(seen, 500, 2000)).toBeGreaterThanOrEqual(90);
  });

  it('startTime delays the window; gracefulStop lets slow answers finish', async () => {
    const { target } = await serve((_req, res) => setTimeout(() => res.end('slow'), 150));
    const run = startLoad(load({ executor: 'constant-arrival-rate', rate: '50/s', duration: '200ms', arrivals: 'uniform', startTime: '200ms', gracefulStop: '1s' }), target);
    const report = await run.done;
    expect(Math.min(...run.results.map((r) => r.intendedAt - run.origin))).toBe(200);
    expect([report.sent, report.ok, report.interrupted]).toEqual([10, 10, 0]);
    expect(report.latencyMs.p50).toBeGreaterThanOrEqual(150);
  });
});
