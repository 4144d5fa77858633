/**
 * State changes of the policies that a run's timeline shows: a breaker opening, a host
 * ejected by outlier detection, an endpoint shut by failure accrual, a workload certificate
 * rotated or found expired. They are rare, so an
 * event may allocate; the hot path never does.
 */
export type PolicyEventKind =
  | 'breaker-open'
  | 'breaker-half-open'
  | 'breaker-closed'
  | 'host-ejected'
  | 'host-returned'
  | 'host-unavailable'
  | 'host-probation'
  | 'host-available'
  | 'certificate-rotated'
  | 'certificate-expired';

/**
 * Receives a policy's state change: what happened, to which host (`-1` when the policy
 * guards the whole edge rather than one host), at which clock time.
 */
export type PolicyEventSink = (kind: PolicyEventKind, host: number, at: number) => void;

/** A sink that ignores every event, for policies used without a timeline. */
export const ignoreEvents: PolicyEventSink = () => {};
