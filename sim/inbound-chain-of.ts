import type { Clock } from '../proxy-core/clock/clock.js';
import { Authorizer } from '../proxy-core/identity/authorization-policy.js';
import type { JwtSignatureVerifier } from '../proxy-core/identity/jwt-verifier.js';
import { RequestAuthenticator } from '../proxy-core/identity/request-authentication.js';
import { InboundChain, type InboundHandler, type InboundRequest } from '../proxy-core/inbound/inbound-chain.js';
import type { RateLimit } from '../proxy-core/limits/rate-limit.js';
import type { Scenario } from '../scenarios/schema.js';

/** What a service's inbound chain is built from, besides the scenario. */
export interface InboundChainParts<R extends InboundRequest> {
  readonly clock: Clock;
  /** The key set that verifies tokens of `issuer` (the simulator's keyed hash, or real keys live). */
  readonly keysOf: (issuer: string) => JwtSignatureVerifier;
  /** Whether some edge into the service has a rate limit. */
  readonly limited: boolean;
  /** The rate limit a request meets at its instance, or null. */
  readonly rateLimitOf: (req: R) => RateLimit | null;
  readonly handler: InboundHandler<R>;
}

/**
 * The inbound chain of service `name` from the scenario's `security` block: request
 * authentication by its JWT rules, authorization by its policies, and the rate limits of the
 * edges into it; null when it checks nothing. The simulator and live mode build it here.
 */
export function inboundChainOf<R extends InboundRequest>(scenario: Scenario, name: string, parts: InboundChainParts<R>): InboundChain<R> | null {
  const security = scenario.security;
  const rules = security.requestAuthentication.filter((r) => r.service === name).flatMap((r) => r.jwtRules);
  const policies = security.authorization.filter((p) => p.service === name);
  if (rules.length === 0 && policies.length === 0 && !parts.limited) return null;
  return new InboundChain<R>(
    {
      authenticator: rules.length ? new RequestAuthenticator(parts.clock, rules.map((r) => ({ ...r, keys: parts.keysOf(r.issuer) }))) : null,
      authorizer: policies.length ? new Authorizer(policies.map((p, i) => ({ ...p, name: p.name ?? `${name}-${i}` }))) : null,
      rateLimitOf: parts.rateLimitOf,
    },
    parts.handler,
  );
}
