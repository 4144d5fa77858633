// Istio: security/v1beta1/peer_authentication.proto PeerAuthentication.MutualTLS.Mode

/** The mTLS mode a server enforces (Istio `PeerAuthentication.mtls.mode`, UNSET resolved away). */
export type PeerAuthMode = 'STRICT' | 'PERMISSIVE' | 'DISABLE';

/** A mode as written in a policy: `UNSET` inherits from the enclosing scope. */
export type PeerAuthModeSetting = PeerAuthMode | 'UNSET';

/** Istio's mode when no policy sets one: PERMISSIVE (plaintext or mTLS accepted). */
export const DEFAULT_PEER_AUTH_MODE: PeerAuthMode = 'PERMISSIVE';

/** Istio's default root namespace: a policy there without a selector applies to the whole mesh. */
export const DEFAULT_ROOT_NAMESPACE = 'istio-system';

/**
 * A PeerAuthentication policy. Scope as in Istio: in the root namespace (or with no
 * namespace) and without a workload it is mesh-wide; in a namespace without a workload it
 * is namespace-wide; with a workload (Istio: `selector`) it applies to that workload only.
 */
export interface PeerAuthentication {
  /** Name, for reports. */
  readonly name?: string;
  /** The policy's namespace; absent, `null` or the root namespace means mesh-wide. */
  readonly namespace?: string | null;
  /** The workload it selects (Istio `selector.matchLabels`); absent means the whole scope. */
  readonly workload?: string;
  /** `mtls.mode`; absent means UNSET. */
  readonly mode?: PeerAuthModeSetting;
  /** `portLevelMtls`: per-port modes; honoured only on a workload policy, as in Istio. */
  readonly portLevelMtls?: Readonly<Record<number, PeerAuthModeSetting>>;
}

/** Where {@link resolvePeerAuthMode} looks. */
export interface PeerAuthResolveOptions {
  /** The server port, to apply a workload policy's `portLevelMtls`. */
  readonly port?: number;
  /** The mesh root namespace; default {@link DEFAULT_ROOT_NAMESPACE}. */
  readonly rootNamespace?: string;
}

/**
 * The mode in force for `workload` in `namespace`: the most specific policy that sets a
 * mode wins — workload port-level, then workload, then namespace, then mesh, then
 * PERMISSIVE; UNSET at any level inherits from the next. When several policies share a
 * level, the first in `policies` counts (Istio: the oldest).
 */
export function resolvePeerAuthMode(
  policies: readonly PeerAuthentication[],
  namespace: string,
  workload: string,
  options: PeerAuthResolveOptions = {},
): PeerAuthMode {
  const root = options.rootNamespace ?? DEFAULT_ROOT_NAMESPACE;
  const workloadPolicy = find(policies, (p) => p.workload === workload && p.namespace === namespace);
  if (workloadPolicy !== undefined) {
    const port = options.port;
    const portMode = port === undefined ? undefined : workloadPolicy.portLevelMtls?.[port];
    if (isSet(portMode)) return portMode;
    if (isSet(workloadPolicy.mode)) return workloadPolicy.mode;
  }
  const namespacePolicy = find(policies, (p) => p.workload === undefined && p.namespace === namespace && namespace !== root);
  if (namespacePolicy !== undefined && isSet(namespacePolicy.mode)) return namespacePolicy.mode;
  const meshPolicy = find(policies, (p) => p.workload === undefined && (p.namespace == null || p.namespace === root));
  if (meshPolicy !== undefined && isSet(meshPolicy.mode)) return meshPolicy.mode;
  return DEFAULT_PEER_AUTH_MODE;
}

/** Whether a server in `mode` accepts plaintext connections (PERMISSIVE and DISABLE do). */
export function acceptsPlaintext(mode: PeerAuthMode): boolean {
  return mode !== 'STRICT';
}

/** Whether a server in `mode` takes part in mTLS at all (STRICT and PERMISSIVE do). */
export function acceptsMtls(mode: PeerAuthMode): boolean {
  return mode !== 'DISABLE';
}

function isSet(mode: PeerAuthModeSetting | undefined): mode is PeerAuthMode {
  return mode !== undefined && mode !== 'UNSET';
}

function find(
  policies: readonly PeerAuthentication[],
  test: (p: PeerAuthentication) => boolean,
): PeerAuthentication | undefined {
  for (const p of policies) if (test(p)) return p;
  return undefined;
}
