import { Instance } from '../instance.js';
import type { LiveCall } from './live-call.js';
import type { LiveRequest } from './live-request.js';
import type { LiveService } from './live-service.js';
import type { InstanceServer } from './transport/inbound-exchange.js';

/**
 * One replica of a service in live mode: the simulator's {@link Instance} (workers, a
 * bounded queue, the time integrals the report reads) over a real server. A crash resets
 * the requests it holds, as the simulator's does, and also closes its server: callers'
 * connections reset and new ones are refused until it comes back.
 */
export class LiveInstance extends Instance<LiveRequest, LiveCall> {
  server: InstanceServer | null = null;

  constructor(
    /** The service it is a replica of. */
    readonly owner: LiveService,
    index: number,
    zone: number,
  ) {
    super(owner.name, index, zone, owner);
  }

  override crash(): void {
    super.crash();
    this.server?.crash();
  }

  override restart(): void {
    super.restart();
    if (!this.down) void this.server?.listen().catch(() => this.owner.mesh.fail(new Error(`${this.service}[${this.index}] could not listen again on port ${this.server?.port}`)));
  }
}
