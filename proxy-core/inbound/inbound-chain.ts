import type { FailureCause } from '../call/failure-cause.js';
import { headerValue, type Headers } from '../call/headers.js';
import { AUTHZ_DENIED_STATUS, type Authorizer, type AuthzReason, type AuthzResult } from '../identity/authorization-policy.js';
import { REQUEST_AUTH_FAILURE_CODES, REQUEST_AUTH_REJECT_STATUS, type RequestAuthenticator } from '../identity/request-authentication.js';
import type { RateLimit } from '../limits/rate-limit.js';
import type { PeerIdentity } from './peer-identity.js';

// Istio: the inbound listener's filter order — peer authentication (TLS), jwt_authn, then RBAC
// (CUSTOM, DENY, ALLOW), then the local rate limit; each refusal is a local reply.

/**
 * A request as the callee's sidecar checks it. The chain writes what it establishes on it
 * (the peer's identity, the token's), so a check in progress allocates nothing and stays
 * valid while a CUSTOM authorizer answers: the simulator's attempt or a live adapter's
 * request object implements it.
 */
export interface InboundRequest {
  readonly path: string;
  readonly method: string;
  /** `:authority`, for authorization's `hosts`. */
  readonly authority: string | null;
  readonly headers: Headers;
  /** The calling service, where the transport knows it (`source.service` for rate limits). */
  readonly sourceService: string | null;
  /** Written by the chain: the peer principal from mTLS, null for plaintext. */
  principal: string | null;
  /** Written by the chain: the peer namespace from mTLS. */
  namespace: string | null;
  /** Written by the chain: `<iss>/<sub>` of a valid token. */
  requestPrincipal: string | null;
  /** Written by the chain: the valid token's claims. */
  claims: Readonly<Record<string, unknown>> | null;
}

/** Hears the chain's verdict on each request, now or later. */
export interface InboundHandler<R extends InboundRequest> {
  /** Every check passed: hand the request to the workload. */
  onAdmitted(req: R): void;
  /** A check refused it: answer `status` locally; `cause` is the report's, `detail` a finer stable code. */
  onRejected(req: R, status: number, cause: FailureCause, detail: string | null): void;
}

/** What one workload's inbound side enforces. */
export interface InboundPolicy<R extends InboundRequest> {
  /** Istio RequestAuthentication; null: none. */
  readonly authenticator: RequestAuthenticator | null;
  /** Istio AuthorizationPolicy; null: none. */
  readonly authorizer: Authorizer | null;
  /** The rate limit that applies to `req` at this instance (by its caller, its edge), or null. */
  readonly rateLimitOf: (req: R) => RateLimit | null;
}

/** Stable detail codes of authorization denials, by the step that denied. */
export const AUTHZ_DENIAL_CODES: Readonly<Record<AuthzReason, string>> = {
  'custom-denied': 'FL_AUTHZ_CUSTOM_DENIED',
  'deny-matched': 'FL_AUTHZ_DENY_MATCHED',
  'no-allow-matched': 'FL_AUTHZ_NO_ALLOW_MATCHED',
  'no-allow-policies': 'FL_AUTHZ_ALLOWED',
  'allow-matched': 'FL_AUTHZ_ALLOWED',
};

/**
 * The callee side of the mesh for one workload: the checks a request meets before it
 * reaches the workload, in Istio's order — the peer identity from the connection (mTLS
 * already established by the transport), request authentication (a bad token: 401
 * `authn-failed`), authorization (403 `authz-denied`; a CUSTOM provider may answer later),
 * then the rate limit (429 `rate-limited`). The simulator and live mode run this same chain.
 */
export class InboundChain<R extends InboundRequest> {
  constructor(
    private readonly policy: InboundPolicy<R>,
    private readonly handler: InboundHandler<R>,
  ) {}

  /** Whether it checks anything beyond the rate limit. */
  get authenticates(): boolean {
    return this.policy.authenticator !== null || this.policy.authorizer !== null;
  }

  /**
   * Checks `req`, which came over a connection from `peer` (null: plaintext); the verdict
   * goes to the handler, at once or, with a CUSTOM authorizer, later.
   */
  check(req: R, peer: PeerIdentity | null): void {
    req.principal = peer === null ? null : peer.principal;
    req.namespace = peer === null ? null : peer.namespace;
    req.requestPrincipal = null;
    req.claims = null;
    const authenticator = this.policy.authenticator;
    if (authenticator !== null) {
      const r = authenticator.authenticate(req.headers);
      if (r.outcome === 'invalid') return this.handler.onRejected(req, REQUEST_AUTH_REJECT_STATUS, 'authn-failed', REQUEST_AUTH_FAILURE_CODES[r.reason!]);
      req.requestPrincipal = r.requestPrincipal;
      req.claims = r.claims;
    }
    const authorizer = this.policy.authorizer;
    if (authorizer === null) return this.limit(req);
    authorizer.authorize(req, this.authorized, req);
  }

  private readonly authorized = (req: R, result: AuthzResult): void => {
    if (result.decision === 'allow') return this.limit(req);
    this.handler.onRejected(req, AUTHZ_DENIED_STATUS, 'authz-denied', AUTHZ_DENIAL_CODES[result.reason]);
  };

  private limit(req: R): void {
    const limit = this.policy.rateLimitOf(req);
    if (limit !== null && !limit.check(rateLimitValue(limit.key, req))) return this.handler.onRejected(req, limit.status, 'rate-limited', null);
    this.handler.onAdmitted(req);
  }
}

/** The value a rate limit keyed on `key` reads from `req`: the peer principal, the calling service, or a header. */
export function rateLimitValue(key: string | undefined, req: InboundRequest): string | undefined {
  if (key === undefined) return undefined;
  if (key === 'source.principal') return req.principal ?? undefined;
  if (key === 'source.service') return req.sourceService ?? undefined;
  return headerValue(req.headers, key);
}
