/**
 * The `security` section: the trust domain and its CA, mTLS modes (Istio PeerAuthentication),
 * authorization policies (Istio AuthorizationPolicy) and request authentication of JWT-like
 * tokens (Istio RequestAuthentication), with the issuers and tokens the load carries.
 */
import { z } from 'zod';
import { DEFAULT_WORKLOAD_CERT_TTL_MS, MAX_WORKLOAD_CERT_TTL_MS } from '../proxy-core/identity/certificate-authority.js';
import { DEFAULT_PEER_AUTH_MODE } from '../proxy-core/identity/peer-authentication.js';
import { DEFAULT_TRUST_DOMAIN } from '../proxy-core/identity/spiffe-id.js';
import { DEFAULT_SECRET_GRACE_PERIOD_RATIO } from '../proxy-core/identity/workload-identity.js';
import { duration, Name } from './schema-primitives.js';

const Strings = z.array(z.string()).optional();

/** Istio `Source`: who calls. Lists are ORed, fields ANDed. */
const Source = z.strictObject({
  principals: Strings,
  notPrincipals: Strings,
  requestPrincipals: Strings,
  notRequestPrincipals: Strings,
  namespaces: Strings,
  notNamespaces: Strings,
});

/** Istio `Operation`: what is called. */
const Operation = z.strictObject({ paths: Strings, notPaths: Strings, methods: Strings, notMethods: Strings });

/** Istio `Condition`. */
const Condition = z.strictObject({ key: z.string(), values: Strings, notValues: Strings });

/** Istio `Rule`: matches if a `from` and a `to` match and every `when` holds. */
const Rule = z.strictObject({
  from: z.array(z.strictObject({ source: Source })).optional(),
  to: z.array(z.strictObject({ operation: Operation })).optional(),
  when: z.array(Condition).optional(),
});

/** An authorization policy on a service (Istio AuthorizationPolicy with a selector). */
export const AuthorizationPolicy = z.strictObject({
  name: z.string().optional(),
  service: Name.meta({ description: 'The workload the policy protects.' }),
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']).default('ALLOW'),
  rules: z.array(Rule).default([]).meta({ description: 'No rules: ALLOW matches nothing (allow-nothing). [{}]: matches everything.' }),
});
/** A parsed authorization policy. */
export type AuthorizationPolicy = z.output<typeof AuthorizationPolicy>;

/** The mTLS mode of a namespace or a service (Istio PeerAuthentication). */
export const PeerAuthentication = z.strictObject({
  namespace: Name.optional(),
  service: Name.optional(),
  mode: z.enum(['STRICT', 'PERMISSIVE', 'DISABLE']),
});

/** JWT rules of a service (Istio RequestAuthentication). */
export const RequestAuthentication = z.strictObject({
  service: Name,
  jwtRules: z.array(z.strictObject({ issuer: z.string().min(1), audiences: z.array(z.string()).optional() })).min(1).meta({ description: 'One rule per issuer: an issuer may have only one rule per service.' }),
});

/** A token a request class carries (a JWT-like token issued and signed by an issuer of `issuers`). */
export const Token = z.strictObject({
  issuer: z.string().min(1),
  subject: z.string(),
  audience: z.string().optional(),
  expiresIn: duration({}, 'Lifetime from the start of the run.').default(3_600_000),
  forgedSignature: z.boolean().default(false).meta({ description: 'Signed with a wrong key: an invalid token.' }),
});

/** The whole `security` section. */
export const Security = z.strictObject({
  trustDomain: z.string().default(DEFAULT_TRUST_DOMAIN),
  certificates: z
    .strictObject({
      ttl: duration({ above: 0, max: MAX_WORKLOAD_CERT_TTL_MS }, 'Workload certificate lifetime (Istio default 24h; the core allows at most 90 days, as Istio does).').default(DEFAULT_WORKLOAD_CERT_TTL_MS),
      graceRatio: z.number().gt(0).lt(1).default(DEFAULT_SECRET_GRACE_PERIOD_RATIO).meta({ description: 'Rotate when this fraction of the lifetime is left (Istio SECRET_GRACE_PERIOD_RATIO 0.5).' }),
    })
    .default({ ttl: DEFAULT_WORKLOAD_CERT_TTL_MS, graceRatio: DEFAULT_SECRET_GRACE_PERIOD_RATIO }),
  mtls: z.enum(['STRICT', 'PERMISSIVE', 'DISABLE']).default(DEFAULT_PEER_AUTH_MODE).meta({ description: 'Mesh-wide mTLS mode (Istio root default PERMISSIVE).' }),
  peerAuthentication: z.array(PeerAuthentication).default([]),
  authorization: z.array(AuthorizationPolicy).default([]),
  requestAuthentication: z.array(RequestAuthentication).default([]),
  issuers: z.array(z.strictObject({ issuer: z.string().min(1), key: z.string().min(1) })).default([]).meta({ description: 'Token issuers and their signing keys, each issuer once.' }),
  tokens: z.record(Name, Token).default({}),
});
/** The parsed `security` section. */
export type Security = z.output<typeof Security>;
