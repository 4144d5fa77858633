import type { Clock, TimerHandle } from './clock.js';
import type { CallHandler, CallRequest, Interceptor } from './dispatch.js';
import type { Outcome } from './failure-cause.js';

/**
 * Per-call timeout: if no outcome arrives within `timeoutMs`, the caller gets `timeout`
 * and a late response is ignored (the callee is not told, as with Envoy's route timeout;
 * deadline propagation is a separate policy). `0` disables the timeout, as in Envoy
 * (`config.route.v3.RouteAction.timeout`, default 15 s).
 */
export function timeout(clock: Clock, timeoutMs: number): Interceptor {
  if (!(timeoutMs > 0)) return (next) => next;
  return (next) => (req, handler) => {
    const call = new TimedCall(clock, handler);
    call.timer = clock.schedule(timeoutMs, fireTimeout, call);
    call.req = req;
    next(req, call);
  };
}

class TimedCall implements CallHandler {
  timer: TimerHandle = 0;
  req: CallRequest | null = null;
  settled = false;
  constructor(
    private readonly clock: Clock,
    readonly inner: CallHandler,
  ) {}

  onResponse(req: CallRequest, status: number, outcome: Outcome): void {
    if (this.settled) return;
    this.settled = true;
    this.clock.cancel(this.timer);
    this.inner.onResponse(req, status, outcome);
  }

  onError(req: CallRequest, outcome: Exclude<Outcome, 'ok'>): void {
    if (this.settled) return;
    this.settled = true;
    this.clock.cancel(this.timer);
    this.inner.onError(req, outcome);
  }
}

function fireTimeout(call: TimedCall): void {
  if (call.settled) return;
  call.settled = true;
  call.inner.onError(call.req!, 'timeout');
}
