/**
 * The end of a live load: gracefulStop after the window, stop() at any time, and nothing
 * left behind (no timer from the load; no socket once the target and server are closed).
 */
import { describe, expect, it } from 'vitest';
import { clock, handlesBackTo, load, openHandles, sleep, startLoad, startServer, undiciTarget, watchTimers } from './load-fixture.js';

describe('ending a live load', () => {
  it('after the window, requests in flight may finish for gracefulStop, then are cancelled as interrupted', async () => {
    const before = openHandles();
    const server = await startServer((req, res) => {
      if (req.url !== '/hang') res.end('ok');
    });
    const target = undiciTarget(server);
    const spec = load({
      executor: 'constant-arrival-rate',
      rate: '50/s',
      duration: '400ms',
      arrivals: 'uniform',
      gracefulStop: '300ms',
      classes: [{ name: 'fast', path: '/fast' }, { name: 'hang', path: '/hang' }],
    });
    const timers = watchTimers();
    const run = startLoad(spec, target);
    const report = await run.done;
    expect(await timers.pending()).toBe(0);
    timers.stop();
    const took = clock.now() - run.origin;
    expect(took).toBeGreaterThanOrEqual(700);
    expect(took).toBeLessThan(2500);
    const hung = server.arrivals.length - report.ok;
    expect(report.sent).toBe(20);
    expect(hung).toBeGreaterThan(0);
    // Every request is answered or interrupted; every one the server held is interrupted (on a
    // starved machine some fast ones are too: they reach the server after the grace ended).
    expect([report.interrupted + report.answered, report.answered, report.stopped]).toEqual([20, report.ok, false]);
    expect(report.interrupted).toBeGreaterThanOrEqual(hung);
    await target.close();
    await server.close();
    expect(await handlesBackTo(before)).toEqual({});
  });

  it('stop() ends the load early: no more sends, in flight cancelled, done resolves, no timer or socket left', async () => {
    const before = openHandles();
    const aborted: string[] = [];
    const server = await startServer((req) => req.on('close', () => aborted.push(req.url ?? ''))); // never answers
    const target = undiciTarget(server);
    const timers = watchTimers();
    const run = startLoad(load({ executor: 'constant-arrival-rate', rate: '100/s', duration: '10s', arrivals: 'uniform' }), target);
    await sleep(300);
    const stoppedAt = clock.now();
    run.load.stop();
    const report = await run.done;
    // The load's own timers are gone as soon as it is done, before the target is closed.
    expect(await timers.pending()).toBe(0);
    timers.stop();
    expect(clock.now() - stoppedAt).toBeLessThan(1000); // not the 10 s window, nor gracefulStop's 30 s (seen: 219 ms at load 10 on 2 cores)
    expect(report.stopped).toBe(true);
    expect(report.sent).toBeGreaterThanOrEqual(10);
    expect([report.interrupted, report.answered]).toEqual([report.sent, 0]);
    expect(report.planned).toBeGreaterThanOrEqual(report.sent);
    expect(report.windowMs).toBeGreaterThanOrEqual(290);
    expect(report.windowMs).toBeLessThan(1000);
    // The sends stopped: nothing reaches the server beyond what was sent before the stop (one
    // written just before it may still land late on a starved machine).
    await sleep(150);
    expect(server.arrivals.length).toBeLessThanOrEqual(report.sent);
    // Cancelling reset the requests' connections: every request the server got was aborted.
    for (let i = 0; i < 100 && aborted.length < server.arrivals.length; i++) await sleep(10);
    expect(aborted.length).toBe(server.arrivals.length);
    await target.close();
    await server.close();
    expect(await handlesBackTo(before)).toEqual({});
  });

  it('stop(grace) lets requests in flight finish within the grace; a closed loop stops too', async () => {
    const before = openHandles();
    const server = await startServer((_req, res) => setTimeout(() => res.end('ok'), 100));
    const target = undiciTarget(server);
    const timers = watchTimers();
    const run = startLoad(load({ executor: 'constant-vus', vus: 5, duration: '10s', thinkTime: '20ms' }), target);
    await sleep(250);
    run.load.stop(1000);
    const report = await run.done;
    expect(await timers.pending()).toBe(0); // no think timer, no grace timer
    timers.stop();
    expect(report.stopped).toBe(true);
    expect(report.interrupted).toBe(0);
    expect(report.answered).toBe(report.sent);
    run.load.stop(); // finished: nothing to do
    await target.close();
    await server.close();
    expect(await handlesBackTo(before)).toEqual({});
  });

  it('stop() before start finishes at once with nothing sent', async () => {
    const server = await startServer();
    const target = undiciTarget(server);
    const run = startLoad(load({ executor: 'constant-arrival-rate', rate: '10/s', duration: '1s', startTime: '10s' }), target);
    run.load.stop();
    const report = await run.done;
    expect([report.sent, report.stopped, report.windowMs]).toEqual([0, true, 0]);
    await target.close();
    await server.close();
  });
});
