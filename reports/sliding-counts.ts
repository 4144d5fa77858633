/**
 * Counts over a sliding window of consecutive steps: per step the requests, the successes and
 * the requests slower than some latency, and their sums over the window. Memory is three
 * numbers per step of the window, whatever the length of the run.
 */
export class SlidingCounts {
  /** Requests, successes and slow requests in the window. */
  requests = 0;
  ok = 0;
  slow = 0;
  private readonly stepRequests: Uint32Array;
  private readonly stepOk: Uint32Array;
  private readonly stepSlow: Uint32Array;
  /** The slot the next step goes to: the oldest step once the window is full. */
  private next = 0;
  private filled = 0;

  /** @param steps - how many steps the window spans (at least 1) */
  constructor(readonly steps: number) {
    this.stepRequests = new Uint32Array(steps);
    this.stepOk = new Uint32Array(steps);
    this.stepSlow = new Uint32Array(steps);
  }

  /** True once `steps` steps have been pushed: the sums cover a whole window. */
  get full(): boolean {
    return this.filled === this.steps;
  }

  /** Appends a closed step; when the window is full, the oldest step leaves it. */
  push(requests: number, ok: number, slow: number): void {
    const i = this.next;
    if (this.full) {
      this.requests -= this.stepRequests[i];
      this.ok -= this.stepOk[i];
      this.slow -= this.stepSlow[i];
    } else this.filled++;
    this.stepRequests[i] = requests;
    this.stepOk[i] = ok;
    this.stepSlow[i] = slow;
    this.requests += requests;
    this.ok += ok;
    this.slow += slow;
    this.next = (i + 1) % this.steps;
  }
}
