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
  /** An admitted attempt has its outcome (ok: accepted/succeeded). */
  attemptEnded(retry: boolean, ok: boolean): void;
}

/** A budget that admits every attempt and keeps no state: retries limited only by the retry count. */
export const unlimitedBudget: RetryBudget = Object.freeze({
  callStarted(): void {},
  callEnded(_ok: boolean): void {},
  admit(_retry: boolean): boolean {
    return true;
  },
  attemptEnded(_retry: boolean, _ok: boolean): void {},
});
