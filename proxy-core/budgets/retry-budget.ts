/**
 * How an attempt ended, as retry budgets count it. The router classifies with the route's
 * retry policy, so each budget is told "failed" only for what its reference counts:
 * gRPC throttling takes a token for a retryable status only (A6), the SRE book's throttle
 * counts an answered 404 as accepted.
 */
export const AttemptResult = {
  /** A success. */
  Succeeded: 0,
  /** A failure the route's retry policy retries (with no retry policy: a 5xx, reset, connect failure, timeout or overflow). */
  FailedRetryable: 1,
  /** A failure the policy does not retry: the backend answered (a 404, a 403…). */
  FailedOther: 2,
  /** No verdict: the router gave up on it for another reason (a hedge that lost, a cancelled call). */
  Abandoned: 3,
} as const;

/** One of {@link AttemptResult}'s values. */
export type AttemptResult = (typeof AttemptResult)[keyof typeof AttemptResult];

/**
 * What every retry budget and throttle implements, so the retry policy can use any of them:
 * Envoy's concurrency budget, Linkerd's token budget, gRPC's retry throttle, the SRE book's
 * adaptive throttle. A budget sees a call's life and each attempt's; each implementation
 * uses the events its reference counts and ignores the others. Methods allocate nothing.
 */
export interface RetryBudget {
  /** A call (its first attempt) begins. */
  callStarted(): void;
  /** A call ended with its final outcome (ok: the caller got a success). */
  callEnded(ok: boolean): void;
  /**
   * May this attempt be sent now? retry=false for a call's first attempt. A retry admitted
   * counts as active until attemptEnded(true, ...).
   */
  admit(retry: boolean): boolean;
  /** An admitted attempt is over (answered, failed, or given up). */
  attemptEnded(retry: boolean, result: AttemptResult): void;
}

/** A budget that admits every attempt and keeps no state: retries limited only by the retry count. */
export const unlimitedBudget: RetryBudget = Object.freeze({
  callStarted(): void {},
  callEnded(_ok: boolean): void {},
  admit(_retry: boolean): boolean {
    return true;
  },
  attemptEnded(_retry: boolean, _result: AttemptResult): void {},
});
