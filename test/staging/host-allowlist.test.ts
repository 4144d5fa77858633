import { describe, expect, it } from 'vitest';
import { canonicalHost, isHostAllowed, parseHostPattern } from '../../sim/staging/host-allowlist.js';

describe('isHostAllowed: wildcards', () => {
  const allow = ['*.staging.example.internal'];

  it('lets *.x match a name one label or more below x', () => {
    expect(isHostAllowed(allow, 'a.staging.example.internal')).toBe(true);
    expect(isHostAllowed(allow, 'a.b.staging.example.internal')).toBe(true);
    expect(isHostAllowed(allow, 'payments.shop.eu.staging.example.internal')).toBe(true);
  });

  it('does not match x itself, a name that merely ends with x, or a name that continues past x', () => {
    expect(isHostAllowed(allow, 'staging.example.internal')).toBe(false);
    expect(isHostAllowed(allow, 'evilstaging.example.internal')).toBe(false);
    expect(isHostAllowed(allow, 'a-staging.example.internal')).toBe(false);
    expect(isHostAllowed(allow, 'a.staging.example.internal.evil.com')).toBe(false);
    expect(isHostAllowed(allow, 'example.internal')).toBe(false);
  });

  it('compares without case and without a trailing dot', () => {
    expect(isHostAllowed(allow, 'A.Staging.EXAMPLE.internal.')).toBe(true);
    expect(isHostAllowed(['*.Staging.Example.Internal.'], 'a.staging.example.internal')).toBe(true);
  });

  it('never matches an IP address with a wildcard', () => {
    expect(isHostAllowed(['*.0.0.1'], '127.0.0.1')).toBe(false);
  });
});

describe('isHostAllowed: exact names and IP addresses', () => {
  it('matches a name exactly, not its subdomains', () => {
    expect(isHostAllowed(['localhost'], 'localhost')).toBe(true);
    expect(isHostAllowed(['localhost'], 'evil.localhost')).toBe(false);
    expect(isHostAllowed(['api.x.y'], 'api.x.yz')).toBe(false);
  });

  it('matches IPv4 addresses in any spelling a URL parser accepts, and no other address', () => {
    expect(isHostAllowed(['127.0.0.1'], '127.0.0.1')).toBe(true);
    expect(isHostAllowed(['127.0.0.1'], '0x7f.0.0.1')).toBe(true);
    expect(isHostAllowed(['127.0.0.1'], '2130706433')).toBe(true);
    expect(isHostAllowed(['127.0.0.1'], '127.0.0.2')).toBe(false);
    expect(isHostAllowed(['127.0.0.1'], '127.0.0.10')).toBe(false);
  });

  it('matches the IPv6 literal ::1 with or without brackets, in long or short form', () => {
    for (const pattern of ['::1', '[::1]', '0:0:0:0:0:0:0:1']) {
      for (const host of ['::1', '[::1]', '0:0:0:0:0:0:0:1', '[0000::0001]']) expect(isHostAllowed([pattern], host), `${pattern} ${host}`).toBe(true);
    }
    expect(isHostAllowed(['::1'], '::2')).toBe(false);
    expect(isHostAllowed(['::1'], '127.0.0.1')).toBe(false);
  });

  it('never allows what is not a bare host: a port, a scheme, a path, blanks, an empty string', () => {
    for (const host of ['127.0.0.1:80', 'http://127.0.0.1', '127.0.0.1/x', ' 127.0.0.1', '', '[::1]:80', 'a..b']) expect(isHostAllowed(['127.0.0.1', '::1', '*.a.b', 'a..b'], host), host).toBe(false);
  });

  it('allows nothing with an empty list, or with patterns that are not valid', () => {
    expect(isHostAllowed([], 'localhost')).toBe(false);
    expect(isHostAllowed(['*', '*.internal', 'http://localhost'], 'localhost')).toBe(false);
  });
});

describe('parseHostPattern', () => {
  it('refuses "*" and a wildcard over one label as too broad, and a wildcard anywhere but in front', () => {
    expect(parseHostPattern('*')).toEqual({ problem: expect.stringContaining('would allow every host') });
    expect(parseHostPattern('*.internal')).toEqual({ problem: '"*.internal" is too broad: a wildcard must cover at least two labels, like *.staging.internal' });
    expect(parseHostPattern('api.*.internal')).toEqual({ problem: expect.stringContaining('leading labels') });
    expect(parseHostPattern('*.127.0.0.1')).toEqual({ problem: 'expected a domain name after "*."' });
  });

  it('gives canonical forms', () => {
    expect(parseHostPattern('*.Staging.Example.Internal')).toEqual({ kind: 'subdomains', suffix: '.staging.example.internal' });
    expect(parseHostPattern('[0:0::1]')).toEqual({ kind: 'exact', host: '::1' });
    expect(canonicalHost('bücher.example')).toBe('xn--bcher-kva.example');
  });
});
