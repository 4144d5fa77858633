// Istio: security/v1beta1/authorization.proto (AuthorizationPolicy, Rule, Source, Operation, Condition);
// evaluation order CUSTOM → DENY → ALLOW (istio.io docs/concepts/security, "Authorization policy precedence").
import { headerValue, type Headers } from '../call/headers.js';

/** What a policy does when one of its rules matches. AUDIT only marks the request. */
export type AuthorizationAction = 'ALLOW' | 'DENY' | 'CUSTOM' | 'AUDIT';

/** Istio `Source`: who sent the request. Fields are ANDed, the values of a field ORed. */
export interface Source {
  /** Peer identities (`<td>/ns/<ns>/sa/<sa>`, from mTLS). */
  readonly principals?: readonly string[];
  /** Peer identities that must not match. */
  readonly notPrincipals?: readonly string[];
  /** Request identities (`<iss>/<sub>`, from a JWT). */
  readonly requestPrincipals?: readonly string[];
  /** Request identities that must not match. */
  readonly notRequestPrincipals?: readonly string[];
  /** Source namespaces (from mTLS). */
  readonly namespaces?: readonly string[];
  /** Source namespaces that must not match. */
  readonly notNamespaces?: readonly string[];
}

/** Istio `Operation`: what the request does. Fields are ANDed, the values of a field ORed. */
export interface Operation {
  /** URL paths (without the query). */
  readonly paths?: readonly string[];
  /** Paths that must not match. */
  readonly notPaths?: readonly string[];
  /** HTTP methods, case-sensitive. */
  readonly methods?: readonly string[];
  /** Methods that must not match. */
  readonly notMethods?: readonly string[];
  /** Hosts (`host` / `:authority` header), case-insensitive, with or without the port. */
  readonly hosts?: readonly string[];
  /** Hosts that must not match. */
  readonly notHosts?: readonly string[];
}

/**
 * Istio `Condition`. Supported keys: `request.headers[<name>]`, `source.principal`,
 * `source.namespace`, `request.auth.principal`, `request.auth.claims[<name>]`,
 * `request.auth.audiences`, `request.auth.presenter`. Others are rejected.
 */
export interface Condition {
  /** The attribute, e.g. `request.headers[x-tier]`. */
  readonly key: string;
  /** Values of which one must match. */
  readonly values?: readonly string[];
  /** Values none of which may match. */
  readonly notValues?: readonly string[];
}

/**
 * Istio `Rule`: matches when one `from` source matches, one `to` operation matches and every
 * `when` condition holds; an absent or empty list matches anything.
 */
export interface Rule {
  /** Sources, ORed. */
  readonly from?: readonly { readonly source: Source }[];
  /** Operations, ORed. */
  readonly to?: readonly { readonly operation: Operation }[];
  /** Conditions, ANDed. */
  readonly when?: readonly Condition[];
}

/**
 * An Istio AuthorizationPolicy for one workload. Absent or empty `rules` match nothing (an
 * ALLOW policy without rules allows nothing); `rules: [{}]` matches everything.
 */
export interface AuthorizationPolicy {
  /** Name, reported with the decision. */
  readonly name: string;
  /** Action; Istio's default is ALLOW. */
  readonly action?: AuthorizationAction;
  /** Rules, ORed. */
  readonly rules?: readonly Rule[];
}

/** The request as authorization sees it. */
export interface RequestAttributes {
  /** Peer principal from mTLS (`<td>/ns/<ns>/sa/<sa>`); `null` for plaintext. */
  readonly principal: string | null;
  /** Peer namespace from mTLS; `null` for plaintext. */
  readonly namespace: string | null;
  /** Request principal `<iss>/<sub>` from a validated JWT; `null` without one. */
  readonly requestPrincipal: string | null;
  /** Request path; a query (`?…`) is ignored for matching. */
  readonly path: string;
  /** HTTP method. */
  readonly method: string;
  /** Request `:authority` (`Host`), matched by `hosts`. */
  readonly authority: string | null;
  /** Request headers, names in lowercase. */
  readonly headers: Headers;
  /** Claims of the validated JWT, for `request.auth.claims[...]`; string and string-list claims match. */
  readonly claims?: Readonly<Record<string, unknown>> | null;
}

/** The decision. */
export type AuthzDecision = 'allow' | 'deny';

/** Which step of CUSTOM → DENY → ALLOW decided. */
export type AuthzReason = 'custom-denied' | 'deny-matched' | 'no-allow-policies' | 'allow-matched' | 'no-allow-matched';

/** A decision and what made it. {@link Authorizer.evaluate} reuses one instance. */
export interface AuthzResult {
  /** `allow` or `deny`. */
  decision: AuthzDecision;
  /** The step that decided. */
  reason: AuthzReason;
  /** The deciding policy's name; `null` for `no-allow-policies` and `no-allow-matched`. */
  policy: string | null;
  /** Whether an AUDIT policy matched (it does not change the decision). */
  audited: boolean;
}

/** HTTP status of a request denied by authorization (Envoy RBAC: 403 "RBAC: access denied"). */
export const AUTHZ_DENIED_STATUS = 403;

/**
 * The CUSTOM provider (Istio: an ext_authz extension provider, asked over the network):
 * answers through `done`, now or later; `true` allows.
 */
export type CustomAuthorizer = (attrs: RequestAttributes, done: (allowed: boolean) => void) => void;

/** Condition keys {@link Authorizer} understands (a `[name]` follows the bracketed ones). */
export const SUPPORTED_CONDITION_KEYS = [
  'request.headers[]',
  'source.principal',
  'source.namespace',
  'request.auth.principal',
  'request.auth.claims[]',
  'request.auth.audiences',
  'request.auth.presenter',
] as const;

/**
 * Evaluates a workload's AuthorizationPolicies in Istio's order: (1) a matching CUSTOM
 * policy whose provider denies ⇒ deny; (2) a matching DENY ⇒ deny; (3) no ALLOW policies ⇒
 * allow; (4) a matching ALLOW ⇒ allow; (5) otherwise deny. AUDIT never decides.
 * Policies are compiled once; {@link Authorizer.evaluate} allocates nothing.
 */
export class Authorizer {
  private readonly custom: readonly CompiledPolicy[];
  private readonly deny: readonly CompiledPolicy[];
  private readonly allow: readonly CompiledPolicy[];
  private readonly audit: readonly CompiledPolicy[];
  private readonly provider: CustomAuthorizer | null;
  private readonly result: AuthzResult = { decision: 'allow', reason: 'no-allow-policies', policy: null, audited: false };

  /**
   * Compiles `policies`.
   *
   * @throws RangeError for an unknown action, a CUSTOM policy without a `custom` provider,
   * an unsupported condition key, a condition with neither values nor notValues, or a
   * pattern with a `*` other than one leading or trailing.
   */
  constructor(policies: readonly AuthorizationPolicy[], custom?: CustomAuthorizer) {
    const compiled = policies.map(compilePolicy);
    this.custom = compiled.filter((p) => p.action === 'CUSTOM');
    this.deny = compiled.filter((p) => p.action === 'DENY');
    this.allow = compiled.filter((p) => p.action === 'ALLOW');
    this.audit = compiled.filter((p) => p.action === 'AUDIT');
    if (this.custom.length > 0 && custom === undefined) {
      throw new RangeError(`authorization policy ${this.custom[0].name}: action CUSTOM needs a custom authorizer (extension provider)`);
    }
    this.provider = custom ?? null;
  }

  /**
   * Decides on `attrs` and hands the result to `done(arg, result)`: at once, or, when a
   * CUSTOM policy matches, once its provider has answered (`attrs` must stay valid until
   * then). The result object is this authorizer's, overwritten by the next decision.
   */
  authorize<T>(attrs: RequestAttributes, done: (arg: T, result: AuthzResult) => void, arg: T): void {
    const custom = firstMatch(this.custom, attrs);
    if (custom === null) return done(arg, this.decideLocally(attrs));
    this.provider!(attrs, (allowed) => {
      if (allowed) return done(arg, this.decideLocally(attrs));
      const r = this.result;
      r.audited = firstMatch(this.audit, attrs) !== null;
      done(arg, decide(r, 'deny', 'custom-denied', custom.name));
    });
  }

  /**
   * Decides on `attrs` synchronously. Returns this authorizer's result object, overwritten
   * by the next call.
   *
   * @throws RangeError when it has CUSTOM policies: their provider answers later, use
   * {@link Authorizer.authorize}.
   */
  evaluate(attrs: RequestAttributes): AuthzResult {
    if (this.custom.length > 0) throw new RangeError('authorization: CUSTOM policies answer through authorize(), not evaluate()');
    return this.decideLocally(attrs);
  }

  /** Steps 2–5: DENY, then ALLOW (CUSTOM allowed the request, or had nothing to say). */
  private decideLocally(attrs: RequestAttributes): AuthzResult {
    const r = this.result;
    r.audited = firstMatch(this.audit, attrs) !== null;
    const deny = firstMatch(this.deny, attrs);
    if (deny !== null) return decide(r, 'deny', 'deny-matched', deny.name);
    if (this.allow.length === 0) return decide(r, 'allow', 'no-allow-policies', null);
    const allow = firstMatch(this.allow, attrs);
    if (allow !== null) return decide(r, 'allow', 'allow-matched', allow.name);
    return decide(r, 'deny', 'no-allow-matched', null);
  }

  /** Shorthand: whether {@link Authorizer.evaluate} allows `attrs`. */
  allows(attrs: RequestAttributes): boolean {
    return this.evaluate(attrs).decision === 'allow';
  }
}

function decide(r: AuthzResult, decision: AuthzDecision, reason: AuthzReason, policy: string | null): AuthzResult {
  r.decision = decision;
  r.reason = reason;
  r.policy = policy;
  return r;
}

// ---- compiled form -------------------------------------------------------------------------

const EXACT = 0;
const PREFIX = 1;
const SUFFIX = 2;
const PRESENCE = 3;

/** One pattern: exact `abc`, prefix `abc*`, suffix `*abc`, presence `*` (non-empty). */
interface Pattern {
  readonly kind: number;
  readonly text: string;
}

/** Patterns of one field (ORed); `ignoreCase` patterns are stored lowercase. */
interface PatternList {
  readonly patterns: readonly Pattern[];
  readonly ignoreCase: boolean;
}

interface CompiledSource {
  readonly principals: PatternList | null;
  readonly notPrincipals: PatternList | null;
  readonly requestPrincipals: PatternList | null;
  readonly notRequestPrincipals: PatternList | null;
  readonly namespaces: PatternList | null;
  readonly notNamespaces: PatternList | null;
}

interface CompiledOperation {
  readonly paths: PatternList | null;
  readonly notPaths: PatternList | null;
  readonly methods: PatternList | null;
  readonly notMethods: PatternList | null;
  readonly hosts: PatternList | null;
  readonly notHosts: PatternList | null;
}

const ATTR_HEADER = 0;
const ATTR_PRINCIPAL = 1;
const ATTR_NAMESPACE = 2;
const ATTR_REQUEST_PRINCIPAL = 3;
const ATTR_CLAIM = 4;

interface CompiledCondition {
  readonly attr: number;
  /** Header name (lowercase) or claim name. */
  readonly name: string;
  readonly values: PatternList | null;
  readonly notValues: PatternList | null;
}

interface CompiledRule {
  readonly from: readonly CompiledSource[];
  readonly to: readonly CompiledOperation[];
  readonly when: readonly CompiledCondition[];
}

interface CompiledPolicy {
  readonly name: string;
  readonly action: AuthorizationAction;
  readonly rules: readonly CompiledRule[];
}

const ACTIONS: readonly string[] = ['ALLOW', 'DENY', 'CUSTOM', 'AUDIT'];

function compilePolicy(policy: AuthorizationPolicy): CompiledPolicy {
  const action = policy.action ?? 'ALLOW';
  if (!ACTIONS.includes(action)) {
    throw new RangeError(`authorization policy ${policy.name}: unknown action ${JSON.stringify(action)}; expected one of ${ACTIONS.join(', ')}`);
  }
  const where = `authorization policy ${policy.name}`;
  return { name: policy.name, action, rules: (policy.rules ?? []).map((rule, i) => compileRule(rule, `${where} rule ${i}`)) };
}

function compileRule(rule: Rule, where: string): CompiledRule {
  return {
    from: (rule.from ?? []).map((f) => compileSource(f.source ?? {}, where)),
    to: (rule.to ?? []).map((t) => compileOperation(t.operation ?? {}, where)),
    when: (rule.when ?? []).map((c) => compileCondition(c, where)),
  };
}

function compileSource(s: Source, where: string): CompiledSource {
  return {
    principals: patterns(s.principals, false, where),
    notPrincipals: patterns(s.notPrincipals, false, where),
    requestPrincipals: patterns(s.requestPrincipals, false, where),
    notRequestPrincipals: patterns(s.notRequestPrincipals, false, where),
    namespaces: patterns(s.namespaces, false, where),
    notNamespaces: patterns(s.notNamespaces, false, where),
  };
}

function compileOperation(o: Operation, where: string): CompiledOperation {
  return {
    paths: patterns(o.paths, false, where),
    notPaths: patterns(o.notPaths, false, where),
    methods: patterns(o.methods, false, where),
    notMethods: patterns(o.notMethods, false, where),
    hosts: patterns(o.hosts, true, where),
    notHosts: patterns(o.notHosts, true, where),
  };
}

const BRACKETED = /^(request\.headers|request\.auth\.claims)\[([^\[\]]+)\]$/;

function compileCondition(c: Condition, where: string): CompiledCondition {
  const values = patterns(c.values, false, where);
  const notValues = patterns(c.notValues, false, where);
  if (values === null && notValues === null) {
    throw new RangeError(`${where}: condition ${c.key} needs values or notValues`);
  }
  const bracket = BRACKETED.exec(c.key);
  if (bracket !== null) {
    const header = bracket[1] === 'request.headers';
    return { attr: header ? ATTR_HEADER : ATTR_CLAIM, name: header ? bracket[2].toLowerCase() : bracket[2], values, notValues };
  }
  switch (c.key) {
    case 'source.principal':
      return { attr: ATTR_PRINCIPAL, name: '', values, notValues };
    case 'source.namespace':
      return { attr: ATTR_NAMESPACE, name: '', values, notValues };
    case 'request.auth.principal':
      return { attr: ATTR_REQUEST_PRINCIPAL, name: '', values, notValues };
    case 'request.auth.audiences':
      return { attr: ATTR_CLAIM, name: 'aud', values, notValues };
    case 'request.auth.presenter':
      return { attr: ATTR_CLAIM, name: 'azp', values, notValues };
    default:
      throw new RangeError(
        `${where}: condition key ${JSON.stringify(c.key)} is not supported; use one of ${SUPPORTED_CONDITION_KEYS.join(', ')}`,
      );
  }
}

function patterns(list: readonly string[] | undefined, ignoreCase: boolean, where: string): PatternList | null {
  if (list === undefined || list.length === 0) return null;
  return { patterns: list.map((p) => pattern(ignoreCase ? p.toLowerCase() : p, where)), ignoreCase };
}

function pattern(p: string, where: string): Pattern {
  if (p === '*') return { kind: PRESENCE, text: '' };
  const star = p.indexOf('*');
  if (star < 0) return { kind: EXACT, text: p };
  if (star === 0 && p.indexOf('*', 1) < 0) return { kind: SUFFIX, text: p.slice(1) };
  if (star === p.length - 1) return { kind: PREFIX, text: p.slice(0, -1) };
  throw new RangeError(`${where}: pattern ${JSON.stringify(p)} may only have one leading or one trailing "*"`);
}

// ---- matching (allocation-free) ------------------------------------------------------------

function firstMatch(policies: readonly CompiledPolicy[], a: RequestAttributes): CompiledPolicy | null {
  for (let i = 0; i < policies.length; i++) {
    const rules = policies[i].rules;
    for (let j = 0; j < rules.length; j++) if (ruleMatches(rules[j], a)) return policies[i];
  }
  return null;
}

function ruleMatches(rule: CompiledRule, a: RequestAttributes): boolean {
  if (rule.from.length > 0 && !anySource(rule.from, a)) return false;
  if (rule.to.length > 0 && !anyOperation(rule.to, a)) return false;
  for (let i = 0; i < rule.when.length; i++) if (!conditionHolds(rule.when[i], a)) return false;
  return true;
}

function anySource(sources: readonly CompiledSource[], a: RequestAttributes): boolean {
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    if (
      field(s.principals, s.notPrincipals, a.principal) &&
      field(s.requestPrincipals, s.notRequestPrincipals, a.requestPrincipal) &&
      field(s.namespaces, s.notNamespaces, a.namespace)
    ) {
      return true;
    }
  }
  return false;
}

function anyOperation(operations: readonly CompiledOperation[], a: RequestAttributes): boolean {
  const q = a.path.indexOf('?');
  const pathEnd = q < 0 ? a.path.length : q;
  for (let i = 0; i < operations.length; i++) {
    const o = operations[i];
    if (
      bounded(o.paths, o.notPaths, a.path, pathEnd) &&
      field(o.methods, o.notMethods, a.method) &&
      hostField(o.hosts, o.notHosts, a.authority)
    ) {
      return true;
    }
  }
  return false;
}

function conditionHolds(c: CompiledCondition, a: RequestAttributes): boolean {
  switch (c.attr) {
    case ATTR_HEADER:
      return field(c.values, c.notValues, headerValue(a.headers, c.name) ?? null);
    case ATTR_PRINCIPAL:
      return field(c.values, c.notValues, a.principal);
    case ATTR_NAMESPACE:
      return field(c.values, c.notValues, a.namespace);
    case ATTR_REQUEST_PRINCIPAL:
      return field(c.values, c.notValues, a.requestPrincipal);
    default:
      return claimHolds(c, a.claims?.[c.name]);
  }
}

/** A claim that is a string or a list of strings; a list matches if any element does. */
function claimHolds(c: CompiledCondition, claim: unknown): boolean {
  if (!Array.isArray(claim)) return field(c.values, c.notValues, typeof claim === 'string' ? claim : null);
  let any = false;
  let none = true;
  for (let i = 0; i < claim.length; i++) {
    const v = claim[i];
    if (typeof v !== 'string') continue;
    if (c.values !== null && matchesAny(c.values, v, v.length)) any = true;
    if (c.notValues !== null && matchesAny(c.notValues, v, v.length)) none = false;
  }
  return (c.values === null || any) && none;
}

/** A positive list (absent value: no match) and a negative list (absent value: no conflict). */
function field(pos: PatternList | null, neg: PatternList | null, value: string | null): boolean {
  return bounded(pos, neg, value, value === null ? 0 : value.length);
}

function bounded(pos: PatternList | null, neg: PatternList | null, value: string | null, end: number): boolean {
  if (pos !== null && (value === null || !matchesAny(pos, value, end))) return false;
  if (neg !== null && value !== null && matchesAny(neg, value, end)) return false;
  return true;
}

/** Hosts match with or without the port (`example.com` matches `example.com:8080`). */
function hostField(pos: PatternList | null, neg: PatternList | null, host: string | null): boolean {
  if (pos === null && neg === null) return true;
  if (host === null) return pos === null;
  const end = portStart(host);
  if (pos !== null && !matchesAny(pos, host, host.length) && !matchesAny(pos, host, end)) return false;
  if (neg !== null && (matchesAny(neg, host, host.length) || matchesAny(neg, host, end))) return false;
  return true;
}

function portStart(host: string): number {
  const colon = host.lastIndexOf(':');
  return colon > host.lastIndexOf(']') ? colon : host.length;
}

function matchesAny(list: PatternList, value: string, end: number): boolean {
  const ps = list.patterns;
  for (let i = 0; i < ps.length; i++) if (matches(ps[i], value, end, list.ignoreCase)) return true;
  return false;
}

/** Whether `value[0, end)` matches `p`. */
function matches(p: Pattern, value: string, end: number, ignoreCase: boolean): boolean {
  const n = p.text.length;
  switch (p.kind) {
    case EXACT:
      return end === n && regionEquals(value, 0, p.text, ignoreCase);
    case PREFIX:
      return end >= n && regionEquals(value, 0, p.text, ignoreCase);
    case SUFFIX:
      return end >= n && regionEquals(value, end - n, p.text, ignoreCase);
    default:
      return end > 0;
  }
}

function regionEquals(value: string, offset: number, text: string, ignoreCase: boolean): boolean {
  for (let i = 0; i < text.length; i++) {
    let c = value.charCodeAt(offset + i);
    if (ignoreCase && c >= 65 && c <= 90) c += 32;
    if (c !== text.charCodeAt(i)) return false;
  }
  return true;
}
