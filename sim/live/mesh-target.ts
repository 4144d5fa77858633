import type { Outcome } from '../../proxy-core/call/failure-cause.js';
import type { Rng } from '../../proxy-core/clock/rng.js';
import { RouteChoice } from '../route-choice.js';
import type { LiveCall, LiveCallOrigin } from './live-call.js';
import type { LiveEdge } from './live-edge.js';
import type { LiveMesh } from './live-mesh.js';
import type { LoadDone, LoadRequest, LoadTarget } from './load/index.js';

/** A load request's call into the mesh, and how to report its end. */
class EntryCall implements LiveCallOrigin {
  call: LiveCall | null = null;
  constructor(
    readonly request: LoadRequest,
    readonly done: LoadDone,
  ) {}

  onCallDone(_call: LiveCall, outcome: Outcome): void {
    this.done(this.request, outcome, outcome === 'ok' ? 200 : 0);
  }
}

/**
 * Where a live load's requests enter the mesh: the ingress sidecar of the load's edge into
 * its target (a traffic split on that edge picks the target per request, as in the
 * simulator), with the call's latency counted from the request's intended send time.
 */
export class MeshTarget implements LoadTarget {
  private readonly route: RouteChoice<LiveEdge>;

  constructor(
    private readonly mesh: LiveMesh,
    loadName: string,
    target: string,
    rng: Rng,
  ) {
    this.route = new RouteChoice((from, to) => mesh.edge(from, to), loadName, target, rng);
  }

  send(request: LoadRequest, done: LoadDone): void {
    const entry = new EntryCall(request, done);
    request.transport = entry;
    entry.call = this.mesh.enter(this.route.pick(), request.method, request.path, request.headers, request.classIndex, request.intendedAt, entry);
  }

  cancel(request: LoadRequest): void {
    const call = (request.transport as EntryCall | null)?.call;
    if (call) call.edge.cancel(call);
  }
}
