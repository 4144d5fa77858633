import { describe, expect, it } from 'vitest';
import {
  SPIFFE_ID_MAX_BYTES,
  SpiffeIdError,
  type SpiffeIdErrorCode,
  checkTrustDomainName,
  isSpiffeIdError,
  parseSpiffeId,
  principalOf,
  workloadId,
} from '../../../proxy-core/identity/spiffe-id.js';

function codeOf(input: string): SpiffeIdErrorCode | 'valid' {
  try {
    parseSpiffeId(input);
    return 'valid';
  } catch (error) {
    if (isSpiffeIdError(error)) return error.code;
    throw error;
  }
}

describe('parseSpiffeId (SPIFFE-ID.md §2)', () => {
  it('parses an Istio workload ID into trust domain, path, namespace and service account', () => {
    expect(parseSpiffeId('spiffe://cluster.local/ns/default/sa/sleep')).toEqual({
      uri: 'spiffe://cluster.local/ns/default/sa/sleep',
      trustDomain: 'cluster.local',
      path: '/ns/default/sa/sleep',
      namespace: 'default',
      serviceAccount: 'sleep',
    });
  });

  it('accepts the spec examples, an empty path, and paths not in Istio form (no ns/sa)', () => {
    expect(parseSpiffeId('spiffe://staging.example.com/payments/mysql')).toEqual({
      uri: 'spiffe://staging.example.com/payments/mysql',
      trustDomain: 'staging.example.com',
      path: '/payments/mysql',
    });
    expect(parseSpiffeId('spiffe://example.com')).toEqual({ uri: 'spiffe://example.com', trustDomain: 'example.com', path: '' });
    expect(codeOf('spiffe://trust_domain_name.example.com/9eebccd2-12bf-40a6-b262-65fe0487d453')).toBe('valid');
    expect(codeOf('spiffe://10.0.0.1/A.b_C-d/..x/x..')).toBe('valid'); // dotted-quad allowed; ".." inside a segment is fine
    expect(parseSpiffeId('spiffe://td/ns/a/sa/b/extra').namespace).toBeUndefined();
  });

  it.each<[string, SpiffeIdErrorCode]>([
    ['', 'FL_SPIFFE_EMPTY'],
    ['https://cluster.local/ns/a/sa/b', 'FL_SPIFFE_SCHEME'],
    ['SPIFFE://cluster.local/ns/a/sa/b', 'FL_SPIFFE_SCHEME'],
    ['spiffe:/cluster.local', 'FL_SPIFFE_SCHEME'],
    ['spiffe://cluster.local/ns/a?x=1', 'FL_SPIFFE_QUERY_OR_FRAGMENT'],
    ['spiffe://cluster.local/ns/a#frag', 'FL_SPIFFE_QUERY_OR_FRAGMENT'],
    ['spiffe://', 'FL_SPIFFE_TRUST_DOMAIN_MISSING'],
    ['spiffe:///ns/a', 'FL_SPIFFE_TRUST_DOMAIN_MISSING'],
    ['spiffe://user@cluster.local/ns/a', 'FL_SPIFFE_USERINFO'],
    ['spiffe://cluster.local:8080/ns/a', 'FL_SPIFFE_PORT'],
    ['spiffe://cluster%2elocal/ns/a', 'FL_SPIFFE_PERCENT_ENCODED'],
    ['spiffe://cluster.local/ns/%61', 'FL_SPIFFE_PERCENT_ENCODED'],
    ['spiffe://Cluster.local/ns/a', 'FL_SPIFFE_TRUST_DOMAIN_CHAR'],
    ['spiffe://clu$ter.local', 'FL_SPIFFE_TRUST_DOMAIN_CHAR'],
    ['spiffe://[::1]/x', 'FL_SPIFFE_TRUST_DOMAIN_CHAR'],
    ['spiffe://cluster.local//ns', 'FL_SPIFFE_PATH_EMPTY_SEGMENT'],
    ['spiffe://cluster.local/ns/./sa', 'FL_SPIFFE_PATH_DOT_SEGMENT'],
    ['spiffe://cluster.local/..', 'FL_SPIFFE_PATH_DOT_SEGMENT'],
    ['spiffe://cluster.local/', 'FL_SPIFFE_PATH_TRAILING_SLASH'],
    ['spiffe://cluster.local/ns/a/', 'FL_SPIFFE_PATH_TRAILING_SLASH'],
    ['spiffe://cluster.local/ns/a b', 'FL_SPIFFE_PATH_CHAR'],
    ['spiffe://cluster.local/ns/ä', 'FL_SPIFFE_PATH_CHAR'],
  ])('rejects %j with %s', (input, code) => {
    expect(codeOf(input)).toBe(code);
  });

  it('says in the message what was wrong', () => {
    expect(() => parseSpiffeId('spiffe://cluster.local:15012/x')).toThrow(
      'invalid SPIFFE ID "spiffe://cluster.local:15012/x": the trust domain must not carry a port',
    );
    expect(() => parseSpiffeId('spiffe://td/a/./b')).toThrow(SpiffeIdError);
  });

  it('accepts exactly 2048 bytes and rejects 2049 (§2.3)', () => {
    const base = 'spiffe://td/';
    const ok = base + 'a'.repeat(SPIFFE_ID_MAX_BYTES - base.length);
    expect(ok.length).toBe(2048);
    expect(codeOf(ok)).toBe('valid');
    expect(codeOf(ok + 'a')).toBe('FL_SPIFFE_TOO_LONG');
  });

  it('limits the trust domain to 255 bytes', () => {
    expect(codeOf(`spiffe://${'a'.repeat(255)}/x`)).toBe('valid');
    expect(codeOf(`spiffe://${'a'.repeat(256)}/x`)).toBe('FL_SPIFFE_TRUST_DOMAIN_TOO_LONG');
  });
});

describe('workloadId, principalOf, checkTrustDomainName', () => {
  it('builds the Istio ID and its principal (the URI without spiffe://)', () => {
    const id = workloadId('cluster.local', 'default', 'sleep');
    expect(id.uri).toBe('spiffe://cluster.local/ns/default/sa/sleep');
    expect(id.namespace).toBe('default');
    expect(id.serviceAccount).toBe('sleep');
    expect(principalOf(id)).toBe('cluster.local/ns/default/sa/sleep');
  });

  it('validates the parts', () => {
    expect(() => workloadId('Cluster.local', 'default', 'sleep')).toThrow(SpiffeIdError);
    expect(() => workloadId('cluster.local', '', 'sleep')).toThrow(/empty segment/);
    expect(() => checkTrustDomainName('td:1')).toThrow(/port/);
    expect(() => checkTrustDomainName('example.org')).not.toThrow();
  });

  it('isSpiffeIdError recognises only its own errors', () => {
    expect(isSpiffeIdError(new SpiffeIdError('FL_SPIFFE_EMPTY', '', 'x'))).toBe(true);
    expect(isSpiffeIdError(new RangeError('x'))).toBe(false);
    expect(isSpiffeIdError('FL_SPIFFE_EMPTY')).toBe(false);
  });
});
