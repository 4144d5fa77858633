import type { HostSet } from '../balancing/host-set.js';
import type { FailureAccrual } from '../health/failure-accrual.js';
import type { OutlierDetector } from '../health/outlier-detection.js';
import type { PolicyEventKind, PolicyEventSink } from '../health/policy-event.js';

/**
 * A host's health as the balancer sees it: healthy while neither outlier detection has
 * ejected it nor failure accrual shut it. Receives both detectors' events, updates the host
 * set, and passes every event on.
 */
export class HostHealth {
  /** Set once the detectors exist (they are built with {@link HostHealth.onEvent} as their sink). */
  outlier: OutlierDetector | null = null;
  accrual: FailureAccrual | null = null;

  constructor(
    private readonly hosts: HostSet,
    private readonly next: PolicyEventSink,
  ) {}

  /** The detectors' event sink. */
  readonly onEvent: PolicyEventSink = (kind: PolicyEventKind, host: number, at: number): void => {
    if (host >= 0) this.hosts.setHealthy(host, !(this.outlier?.isEjected(host) ?? false) && (this.accrual?.isAvailable(host) ?? true));
    this.next(kind, host, at);
  };
}
