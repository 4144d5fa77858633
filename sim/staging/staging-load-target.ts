/**
 * Where a staging run's load goes: the entry service's real base URL, over undici, with the
 * Envoy fault headers of the abort faults active at the moment of sending.
 */
import type { Clock } from '../../proxy-core/clock/clock.js';
import { LoadRequest } from '../live/load/load-request.js';
import type { LoadDone, LoadTarget } from '../live/load/load-target.js';
import { UndiciTarget } from '../live/load/undici-target.js';
import type { PlannedHeaders } from './staging-plan.js';

/**
 * A {@link LoadTarget} for one load of a staging run: requests go to `url` (its origin, its
 * path as a prefix of each request's path), carrying the headers of every header fault on
 * this service whose window holds the send time. A request that needs either is sent as a
 * copy; its outcome is reported for the original.
 */
export class StagingLoadTarget implements LoadTarget {
  private readonly undici: UndiciTarget;
  private readonly prefix: string;

  constructor(
    url: string,
    private readonly clock: Clock,
    private readonly headerFaults: readonly PlannedHeaders[],
  ) {
    const parsed = new URL(url);
    this.prefix = parsed.pathname.replace(/\/+$/, '');
    this.undici = new UndiciTarget(parsed.origin, { clock });
  }

  send(request: LoadRequest, done: LoadDone): void {
    const extra = this.activeHeaders(this.clock.now());
    if (this.prefix === '' && extra === null) return this.undici.send(request, done);
    const copy = new LoadRequest(request.id, request.classIndex, request.method, this.prefix + request.path, extra === null ? request.headers : { ...request.headers, ...extra }, request.intendedAt, request.vu);
    copy.sentAt = request.sentAt;
    request.transport = copy;
    this.undici.send(copy, (_copy, outcome, status) => done(request, outcome, status));
  }

  cancel(request: LoadRequest): void {
    this.undici.cancel(request.transport instanceof LoadRequest ? request.transport : request);
  }

  /** Closes the connections. */
  close(): Promise<void> {
    return this.undici.close();
  }

  private activeHeaders(nowMs: number): Record<string, string> | null {
    let out: Record<string, string> | null = null;
    for (const f of this.headerFaults) if (nowMs >= f.atMs && nowMs < f.untilMs) out = { ...(out ?? {}), ...f.headers };
    return out;
  }
}
