/**
 * The recovery definition on hand-made streams of finished entry requests: 100 requests a
 * second, evenly spaced, 10 ms each unless a case says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { RecoveryRecorder } from '../../reports/recovery-recorder.js';
import { RecoveryWatch } from '../../reports/recovery-watch.js';

/** A request finished at `at` ms: its latency and outcome. */
type Shape = (at: number) => { latency: number; ok: boolean };

const NORMAL: Shape = () => ({ latency: 10, ok: true });

/** Feeds requests every 10 ms from 0 to `untilMs` (excluded) shaped by `shape`, then finishes the run there. */
function run(watch: { record(at: number, latency: number, ok: boolean): void }, untilMs: number, shape: Shape): void {
  for (let at = 0; at < untilMs; at += 10) {
    const { latency, ok } = shape(at);
    watch.record(at, latency, ok);
  }
}

function watchOver(startMs: number, endMs: number, untilMs: number, shape: Shape) {
  const watch = new RecoveryWatch(startMs, endMs);
  run(watch, untilMs, shape);
  return watch.finish(untilMs);
}

describe('recovery after a fault', () => {
  it('takes the baseline from the minute before the fault: requests, success rate and p99', () => {
    const shape: Shape = (at) => ({ latency: at % 500 === 0 ? 50 : 10, ok: at >= 30_000 || at % 100 !== 0 });
    // 40 s to 100 s: 6,000 requests, all ok (the failures were before 30 s), 2 in 100 at 50 ms.
    expect(watchOver(100_000, 110_000, 150_000, shape).baseline).toEqual({ requests: 6000, success: 1, p99_ms: 50 });
    // 1 s to 61 s: a tenth of the 2,900 requests before 30 s failed, 290 of 6,000.
    expect(watchOver(61_000, 70_000, 100_000, shape).baseline).toEqual({ requests: 6000, success: 0.951667, p99_ms: 50 });
  });

  it('says there was no impact after the fault when its errors all fell inside it (not "recovered 0 ms after")', () => {
    const shape: Shape = (at) => ({ latency: 10, ok: at < 60_000 || at >= 70_000 });
    expect(watchOver(60_000, 70_000, 120_000, shape)).toMatchObject({ status: 'no-impact-after', recovery_ms: 0 });
  });

  it('is the first 100 ms step from which 10 s of traffic has a p99 within 110% of the baseline', () => {
    // Requests finishing in the 3 s after the fault are slow. A window from t holds (3000 − t)/10
    // slow requests of 1,000: its p99 is back when at most 19 are (1% and the noise allowed
    // below), from t = 2.9 s on (2.8 s leaves 20).
    const shape: Shape = (at) => ({ latency: at >= 70_000 && at < 73_000 ? 500 : 10, ok: true });
    expect(watchOver(60_000, 70_000, 120_000, shape)).toMatchObject({ status: 'recovered', recovery_ms: 2900 });
  });

  it("allows a p99 its sampling noise: 1% plus three standard deviations of 10 s of requests may be slower than 110% of the baseline's p99", () => {
    // 1,000 requests per window: 10 + 3·√9.9 ≈ 19.4 may be slow. After the fault, every 100th
    // request and 9 or 10 more of each 1,000 take 100 ms: 19 per window is noise, 20 is not.
    const extraSlow = (at: number, extra: number) => at >= 70_000 && at % 10_000 >= 10 && at % 10_000 <= extra * 10;
    const slowAfter = (extra: number): Shape => (at) => ({ latency: at % 1000 === 0 || extraSlow(at, extra) ? 100 : 10, ok: true });
    const noise = watchOver(60_000, 70_000, 120_000, slowAfter(9));
    expect(noise.status).toBe('no-impact-after');
    expect(noise.baseline!.p99_ms).toBeCloseTo(10, 1); // 1% at 100 ms before the fault: p99 is 10 ms
    expect(watchOver(60_000, 70_000, 120_000, slowAfter(10))).toMatchObject({ status: 'not-recovered' });
  });

  it('is the first 100 ms step from which 10 s of traffic succeeds at least 90% as often as the baseline', () => {
    // Requests fail for 5 s after the fault: a window from t holds (5000 − t)/10 failures of
    // 1,000, at most 10% from t = 4 s on.
    const shape: Shape = (at) => ({ latency: 10, ok: !(at >= 60_000 && at < 75_000) });
    expect(watchOver(60_000, 70_000, 120_000, shape)).toMatchObject({ status: 'recovered', recovery_ms: 4000 });
  });

  it('needs traffic to call the entry recovered: no request finishing after the fault is no recovery', () => {
    const watch = new RecoveryWatch(60_000, 70_000);
    run(watch, 60_000, NORMAL); // the last request finishes before the fault; the run goes on to 120 s
    expect(watch.finish(120_000)).toMatchObject({ status: 'not-recovered', recovery_ms: null });
  });

  it('is not recovered when no window is back before the run ends, nor when the run ends less than a window after the fault', () => {
    const failing: Shape = (at) => ({ latency: 10, ok: at < 60_000 });
    expect(watchOver(60_000, 70_000, 120_000, failing)).toMatchObject({ status: 'not-recovered', recovery_ms: null });
    expect(watchOver(60_000, 70_000, 79_000, NORMAL)).toMatchObject({ status: 'not-recovered', recovery_ms: null });
    expect(watchOver(60_000, 70_000, 80_000, NORMAL)).toMatchObject({ status: 'no-impact-after', recovery_ms: 0 });
  });

  it('is not measured without traffic before the fault, or when the run ends during the fault', () => {
    const watch = new RecoveryWatch(60_000, 70_000);
    for (let at = 60_000; at < 120_000; at += 10) watch.record(at, 10, true);
    expect(watch.finish(120_000)).toEqual({ status: 'no-baseline', baseline: null, recovery_ms: null });
    expect(watchOver(60_000, 70_000, 65_000, NORMAL)).toMatchObject({ status: 'run-ended-during-fault', recovery_ms: null });
  });
});

describe('the recovery recorder', () => {
  it('watches each fault on its own, and skips a fault due after the end of the run', () => {
    const recorder = new RecoveryRecorder([
      { startMs: 20_000, endMs: 30_000 },
      { startMs: 60_000, endMs: 70_000 },
      { startMs: 200_000, endMs: 210_000 },
    ]);
    run(recorder, 120_000, (at) => ({ latency: 10, ok: !(at >= 60_000 && at < 75_000) }));
    const [first, second, late] = recorder.finish(120_000);
    expect(first).toMatchObject({ status: 'no-impact-after', recovery_ms: 0, baseline: { requests: 2000 } });
    expect(second).toMatchObject({ status: 'recovered', recovery_ms: 4000, baseline: { requests: 6000 } });
    expect(late).toEqual({ status: 'skipped', baseline: null, recovery_ms: null });
  });
});
