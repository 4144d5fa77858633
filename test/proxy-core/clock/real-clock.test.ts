import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';

const REPO = join(import.meta.dirname, '../../..');
const REAL_CLOCK_URL = pathToFileURL(join(REPO, 'proxy-core/clock/real-clock.ts')).href;

/** A real wait, not through the clock under test. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Spins for `ms`: moves the instant within the millisecond at which the next timer is armed. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('RealClock (live mode)', () => {
  const clocks: RealClock[] = [];
  const clock = (): RealClock => {
    const c = new RealClock();
    clocks.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of clocks.splice(0)) c.cancelAll();
    vi.restoreAllMocks();
  });

  it('counts ms from its creation, never backwards; epochMs is the wall time', () => {
    const before = Date.now();
    const c = clock();
    const first = c.now();
    expect(first).toBeGreaterThanOrEqual(0);
    let last = first;
    for (let i = 0; i < 1000; i++) {
      const t = c.now();
      expect(t).toBeGreaterThanOrEqual(last);
      last = t;
    }
    const epoch = c.epochMs();
    expect(epoch).toBeGreaterThanOrEqual(before);
    expect(epoch).toBeLessThanOrEqual(Date.now());
  });

  it('never fires a timer before its due time by now(), though Node timers may fire up to ~1 ms early', async () => {
    // Node counts a timer from the event loop's whole-millisecond time: armed at x.9 ms, it
    // may run almost 1 ms before now() reaches its due time. How many do depends on where in
    // the millisecond they are armed (about one in ten, but some runs see none), so rounds of
    // 300 timers armed at staggered instants make a clock that lets them through fail for sure.
    const early: string[] = [];
    for (const stagger of [0.11, 0.137, 0.073, 0.19, 0.05]) {
      const c = clock();
      let fired = 0;
      const n = 300;
      await new Promise<void>((resolve) => {
        for (let i = 0; i < n; i++) {
          const delay = i % 3 === 0 ? (i % 17) + 0.25 : i % 25; // fractional, whole, and 0
          const armedAfter = c.now();
          const check = (): void => {
            const late = c.now() - (armedAfter + delay);
            if (late < 0) early.push(`delay ${delay} fired ${(-late).toFixed(3)} ms early`);
            if (++fired === n) resolve();
          };
          if (i % 2 === 0) c.schedule(delay, check, null);
          else c.scheduleBackground(delay, check, null);
          spin(stagger);
        }
      });
      expect(c.pending).toBe(0);
    }
    expect(early).toEqual([]);
  });

  it('treats a negative delay as 0', async () => {
    const c = clock();
    let at = Number.NaN;
    const armedAfter = c.now();
    c.schedule(-50, () => (at = c.now()), null);
    await sleep(20);
    expect(at).toBeGreaterThanOrEqual(armedAfter);
    expect(c.pending).toBe(0);
  });

  it('hands out distinct non-zero handles, so that 0 can mean "no timer"', () => {
    const c = clock();
    const handles = Array.from({ length: 200 }, (_, i) => (i % 2 ? c.schedule(i, () => {}, null) : c.scheduleBackground(i, () => {}, null)));
    expect(handles.every((h) => Number.isInteger(h) && h !== 0)).toBe(true);
    expect(new Set(handles).size).toBe(handles.length);
    expect(c.pending).toBe(200);
  });

  it('cancel: a cancelled timer never runs; cancelling a fired, cancelled, unknown handle or 0 does nothing', async () => {
    const c = clock();
    const fired: string[] = [];
    const a = c.schedule(5, () => fired.push('a'), null);
    const b = c.scheduleBackground(5, () => fired.push('b'), null);
    const kept = c.schedule(5, () => fired.push('kept'), null);
    c.cancel(a);
    c.cancel(b);
    c.cancel(a);
    c.cancel(0);
    c.cancel(987_654);
    expect(c.pending).toBe(1);
    await sleep(40);
    expect(fired).toEqual(['kept']);
    c.cancel(kept); // fired already
    expect(c.pending).toBe(0);
  });

  it('a callback that cancels a timer due at the same time stops it, whichever of the two Node runs first', async () => {
    const c = clock();
    const fired: string[] = [];
    let x = 0;
    let y = 0;
    x = c.schedule(5, () => (fired.push('x'), c.cancel(y)), null);
    y = c.schedule(5, () => (fired.push('y'), c.cancel(x)), null);
    await sleep(40);
    expect(fired).toHaveLength(1);
    expect(c.pending).toBe(0);
  });

  it('pending counts what has neither fired nor been cancelled; cancelAll leaves nothing pending, and nothing runs after it', async () => {
    const c = clock();
    const fired: number[] = [];
    const record = (n: number): void => void fired.push(n);
    for (let i = 0; i < 6; i++) {
      if (i % 2) c.schedule(2 + i, record, i);
      else c.scheduleBackground(2 + i, record, i);
    }
    c.schedule(0, record, 99);
    expect(c.pending).toBe(7);
    await sleep(1); // the 0 ms timer may have fired, or not
    c.cancelAll();
    expect(c.pending).toBe(0);
    const firedBefore = [...fired];
    await sleep(40);
    expect(fired).toEqual(firedBefore);
    expect(firedBefore.every((n) => n === 99)).toBe(true);
  });

  it("arms a delay beyond Node's 2^31 − 1 ms limit once, without a warning, and keeps it pending", async () => {
    // Node fires a longer timeout after 1 ms (TimeoutOverflowWarning): re-armed for what is
    // left each time, such a timer would spin every millisecond until due, warning each time.
    const c = clock();
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    const armed = vi.spyOn(globalThis, 'setTimeout');
    try {
      let fired = 0;
      c.scheduleBackground(30 * 86_400_000, () => fired++, null); // 30 days: a certificate's rotation
      c.scheduleBackground(Number.POSITIVE_INFINITY, () => fired++, null);
      await new Promise<void>((resolve) => setImmediate(resolve));
      const armedAtFirst = armed.mock.calls.length;
      await sleep(50);
      expect(fired).toBe(0);
      expect(c.pending).toBe(2);
      expect(armed.mock.calls.length - armedAtFirst).toBeLessThanOrEqual(1); // the sleep's own timer
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('fires a 30-day timer once, at its due time, after two Node timers (2^31 − 1 ms, then the rest; fake time)', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const c = new RealClock();
      const day = 86_400_000;
      const firedAt: number[] = [];
      c.schedule(30 * day, () => firedAt.push(c.now()), null);
      // Node timer by Node timer (fake time keeps Node's 1 ms for an overlong delay): a clock
      // that re-armed every ms would still be at 10 ms here, instead of spinning for ever.
      let steps = 0;
      while (firedAt.length === 0 && steps < 10) {
        vi.advanceTimersToNextTimer();
        steps++;
      }
      expect([firedAt, steps, c.pending]).toEqual([[30 * day], 2, 0]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("background timers are unref'd: only foreground ones keep the process alive, until cancelled", async () => {
    // Node lists each ref'd timer as an active 'Timeout' resource, an unref'd one not. Its
    // count is settled in batches while Node runs a list of due timers, which is where code
    // after `await sleep()` runs; a setImmediate callback runs outside them.
    const alive = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const counts = await new Promise<number[]>((resolve) =>
      setImmediate(() => {
        const c = clock();
        const seen = [alive()];
        c.scheduleBackground(10_000, () => {}, null);
        c.scheduleBackground(5, () => {}, null);
        seen.push(alive());
        c.schedule(10_000, () => {}, null);
        const short = c.schedule(5, () => {}, null);
        seen.push(alive());
        c.cancel(short);
        seen.push(alive());
        c.cancelAll();
        seen.push(alive(), c.pending);
        resolve(seen);
      }),
    );
    const base = counts[0];
    expect(counts).toEqual([base, base, base + 2, base + 1, base, 0]);
  });

  it('a process whose only timer is a background one exits at once', async () => {
    // A child process loads the TS source through tsx, arms a 10 s background timer and
    // nothing else, and reports, on exit, the time since its clock was created.
    const script = [
      `import { RealClock } from ${JSON.stringify(REAL_CLOCK_URL)};`,
      'const clock = new RealClock();',
      "clock.scheduleBackground(10_000, () => console.log('fired'), null);",
      "process.on('exit', () => console.log(`exit after ${Math.round(clock.now())} ms, pending ${clock.pending}`));",
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      timeout: 60_000, // killed, it would reject: a timer that kept it alive fails the test either way
    });
    expect(stdout.trim()).toMatch(/^exit after \d+ ms, pending 1$/);
    expect(Number(/exit after (\d+) ms/.exec(stdout)?.[1])).toBeLessThan(5000); // far from the timer's 10 s
  });
});
