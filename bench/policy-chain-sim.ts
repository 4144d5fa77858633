/**
 * The policy chain as the simulator really drives it: the same policies as bench/policy-chain.ts
 * (route and per-try timeouts, 2 retries on '5xx,reset' under an Envoy budget, pool thresholds,
 * a bulkhead, a sliding-window breaker, outlier detection, least-request over 3 hosts, and per
 * attempt the callee's rate limit and authorization), on the real event queue's clock, against
 * an upstream that answers through that clock with a mix of outcomes: most attempts succeed
 * after an exponential 5 ms, 4% answer 503, 2% are reset, 2% hang until the 100 ms per-try
 * timeout abandons them. So timers are armed, fire and are cancelled, retries and their
 * backoffs run, and hosts get ejected now and then, as in a run.
 *
 * What is stubbed: no network or service model (the upstream is a draw and one event per
 * answer), no metrics. A call's cost here is the chain plus the event queue work it causes.
 */
import { Authorizer, type RequestAttributes } from '../proxy-core/identity/authorization-policy.js';
import type { CallHandler } from '../proxy-core/call/dispatch.js';
import type { FailureCause, Outcome } from '../proxy-core/call/failure-cause.js';
import { NO_HEADERS } from '../proxy-core/call/headers.js';
import type { AttemptHandler, Upstream, UpstreamAttempt } from '../proxy-core/call/upstream.js';
import { bucketForRate, RATE_LIMIT_UNIT_MS, RateLimit } from '../proxy-core/limits/rate-limit.js';
import { RoutedCall } from '../proxy-core/routing/routed-call.js';
import { Router } from '../proxy-core/routing/router.js';
import type { Rng } from '../proxy-core/clock/rng.js';
import { SeededRng } from '../sim/seeded-rng.js';
import { chainPolicies } from './policy-chain.js';
import { VirtualClock } from '../sim/virtual-clock.js';

const GATEWAY = 'cluster.local/ns/default/sa/gateway';

/** A call, and what its caller saw. */
class SimBenchCall extends RoutedCall {
  readonly caller = 'gateway';
  readonly callee = 'auth';
  ends = 0;
  outcome: Outcome | null = null;
  constructor(id: number, startedAt: number) {
    super(id, 'GET', '/', 'auth', NO_HEADERS, startedAt);
  }
}

class SimBenchAttempt implements UpstreamAttempt<SimBenchCall> {
  abandoned = false;
  nextOutstanding: UpstreamAttempt<SimBenchCall> | null = null;
  status = 0;
  cause: FailureCause = 'reset';
  constructor(
    readonly call: SimBenchCall,
    readonly host: number,
    readonly number: number,
    readonly sentAt: number,
    readonly handler: AttemptHandler<SimBenchCall>,
  ) {}
}

/** Answers through the clock: the callee's rate limit and authorization first, then a drawn outcome. */
class MixedUpstream implements Upstream<SimBenchCall> {
  attempts = 0;
  readonly rateLimit: RateLimit;
  readonly authorizer = new Authorizer([{ name: 'allow-gateway', action: 'ALLOW', rules: [{ from: [{ source: { principals: [GATEWAY] } }] }] }]);
  private readonly attrs: RequestAttributes = { principal: GATEWAY, namespace: 'default', requestPrincipal: null, path: '/', method: 'GET', authority: 'auth', headers: NO_HEADERS, claims: null };

  constructor(
    private readonly clock: VirtualClock,
    private readonly rng: Rng,
  ) {
    this.rateLimit = new RateLimit(clock, { default: bucketForRate(100_000, RATE_LIMIT_UNIT_MS.second) });
  }

  send(call: SimBenchCall, host: number, number: number, _expected: number, handler: AttemptHandler<SimBenchCall>): void {
    const a = new SimBenchAttempt(call, host, number, this.clock.now(), handler);
    handler.onAttemptSent(a);
    this.attempts++;
    if (!this.rateLimit.check(undefined) || this.authorizer.evaluate(this.attrs).decision !== 'allow') throw new Error('refused');
    const u = this.rng.next();
    if (u < 0.02) return; // hangs: the per-try timeout abandons it
    a.status = u < 0.06 ? 503 : u < 0.08 ? 0 : 200;
    this.clock.schedule(-5 * Math.log(1 - this.rng.next()), answer, a);
  }

  abandon(_a: UpstreamAttempt<SimBenchCall>): void {}
}

function answer(a: SimBenchAttempt): void {
  if (a.abandoned) return;
  if (a.status === 0) return a.handler.onAttemptError(a, 'reset', null);
  a.handler.onAttemptResponse(a, a.status, a.status === 200 ? 'ok' : '5xx', -1, -1, null);
}

const handler: CallHandler<SimBenchCall> = {
  onResponseStart(): void {},
  onResponseData(): void {},
  onResponseEnd(call, outcome): void {
    call.ends++;
    call.outcome = outcome;
  },
  onResponseError(call, cause): void {
    call.ends++;
    call.outcome = cause;
  },
};

/** One router with every policy on, over the event queue, and the mixed upstream. */
export class SimulatedChain {
  readonly clock = new VirtualClock();
  readonly upstream: MixedUpstream;
  readonly router: Router<SimBenchCall>;
  calls = 0;
  ok = 0;
  /** Calls that did not end exactly once. */
  bad = 0;

  constructor() {
    const clock = this.clock;
    const rng = new SeededRng(1);
    this.upstream = new MixedUpstream(clock, rng.fork('upstream'));
    this.router = new Router(clock, rng.fork('router'), chainPolicies(clock, rng, { perTryTimeoutMs: 100, maxConcurrentCalls: 256 }), this.upstream);
  }

  /** `n` calls arriving 1 ms apart in virtual time (1,000 calls/s), run until all have ended. */
  run(n: number): void {
    const calls: SimBenchCall[] = new Array(n);
    const start = this.clock.now();
    for (let i = 0; i < n; i++) this.clock.queue.schedule(start + i, this.dispatch, (calls[i] = new SimBenchCall(++this.calls, start + i)));
    this.clock.run();
    for (const call of calls) {
      if (call.ends !== 1) this.bad++;
      else if (call.outcome === 'ok') this.ok++;
    }
  }

  private readonly dispatch = (call: SimBenchCall): void => this.router.dispatch(call, handler);

  /** Throws unless every call ended exactly once and the mix produced what it should. */
  check(): void {
    const s = this.router.stats;
    const problems: string[] = [];
    if (this.bad !== 0) problems.push(`${this.bad} of ${this.calls} calls did not end exactly once`);
    if (!(this.ok / this.calls > 0.97)) problems.push(`success rate ${this.ok / this.calls}, expected > 0.97 with 2 retries`);
    if (!(s.retries > this.calls * 0.05)) problems.push(`only ${s.retries} retries for ${this.calls} calls`);
    if (problems.length > 0) throw new Error(`simulated policy chain is not sane: ${problems.join('; ')}`);
  }
}
