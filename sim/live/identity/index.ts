/**
 * Live mode's identity layer, for a transport: a real CA per trust domain, each workload's
 * TLS (rotated by the core's WorkloadIdentity), the peer verdict in the core's FL_TLS_ terms,
 * a listener taking mTLS and plaintext on one port as PeerAuthentication says, and real JWS
 * for request authentication.
 */
export { BAD_CERTIFICATE_KINDS, BadCertificates, fixedIssuer, type BadCertificateKind } from './bad-certificates.js';
export { jwksVerifier, type PublicJwk } from './jwks-verifier.js';
export { connectionPeer, MeshListener, serveWith, TLS_HANDSHAKE_RECORD, type ConnectionRefusal, type ConnectionSink, type MeshListenerOptions } from './mesh-listener.js';
export { spiffeIdOf, verifyPeer, verifyPeerCertificate, type PeerAccepted, type PeerCheck, type PeerEvidence, type PeerRefused, type PeerVerdict } from './peer-verification.js';
export { JwtSigningKey, LIVE_JWS_ALG, ScenarioTokens, type TokenSecurity } from './scenario-tokens.js';
export { failureCodeOf, handshakeFailureOf, LIVE_HANDSHAKE_FAILURE_CODES, type LiveHandshakeFailure } from './tls-failures.js';
export { LIVE_TLS_SECURE_OPTIONS, spiffeServerIdentityCheck, WorkloadTls, type CertificateChangeListener, type ConnectCallback, type ConnectTarget } from './workload-tls.js';
export { materialOf, workloadMaterial, X509Authority, type Validity, type WorkloadMaterial, type X509AuthorityOptions, type X509WorkloadCertificate } from './x509-authority.js';
export { X509TrustBundle, type ParsedRoot, type X509Root } from './x509-trust-bundle.js';
