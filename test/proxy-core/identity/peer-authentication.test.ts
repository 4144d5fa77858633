import { describe, expect, it } from 'vitest';
import {
  type PeerAuthentication,
  acceptsMtls,
  acceptsPlaintext,
  resolvePeerAuthMode,
} from '../../../proxy-core/identity/peer-authentication.js';

const mesh = (mode: PeerAuthentication['mode']): PeerAuthentication => ({ name: 'mesh', namespace: 'istio-system', mode });
const ns = (namespace: string, mode: PeerAuthentication['mode']): PeerAuthentication => ({ name: `ns-${namespace}`, namespace, mode });
const wl = (namespace: string, workload: string, mode: PeerAuthentication['mode'], portLevelMtls?: PeerAuthentication['portLevelMtls']): PeerAuthentication => ({
  name: `wl-${workload}`,
  namespace,
  workload,
  mode,
  portLevelMtls,
});

describe('resolvePeerAuthMode (Istio PeerAuthentication scopes)', () => {
  it('is PERMISSIVE when no policy applies', () => {
    expect(resolvePeerAuthMode([], 'shop', 'cart')).toBe('PERMISSIVE');
    expect(resolvePeerAuthMode([ns('other', 'STRICT'), wl('shop', 'checkout', 'DISABLE')], 'shop', 'cart')).toBe('PERMISSIVE');
  });

  it('most specific wins: workload over namespace over mesh', () => {
    const policies = [mesh('STRICT'), ns('shop', 'PERMISSIVE'), wl('shop', 'cart', 'DISABLE')];
    expect(resolvePeerAuthMode(policies, 'shop', 'cart')).toBe('DISABLE');
    expect(resolvePeerAuthMode(policies, 'shop', 'checkout')).toBe('PERMISSIVE');
    expect(resolvePeerAuthMode(policies, 'billing', 'ledger')).toBe('STRICT');
  });

  it('UNSET (or no mode) inherits from the enclosing scope, down to the PERMISSIVE root default', () => {
    expect(resolvePeerAuthMode([mesh('STRICT'), ns('shop', 'UNSET'), wl('shop', 'cart', 'UNSET')], 'shop', 'cart')).toBe('STRICT');
    expect(resolvePeerAuthMode([mesh('STRICT'), { namespace: 'shop', workload: 'cart' }], 'shop', 'cart')).toBe('STRICT');
    expect(resolvePeerAuthMode([mesh('UNSET')], 'shop', 'cart')).toBe('PERMISSIVE');
  });

  it('a policy with no namespace is mesh-wide; a custom root namespace is honoured', () => {
    expect(resolvePeerAuthMode([{ mode: 'STRICT' }], 'shop', 'cart')).toBe('STRICT');
    expect(resolvePeerAuthMode([ns('mesh-root', 'STRICT')], 'shop', 'cart', { rootNamespace: 'mesh-root' })).toBe('STRICT');
    expect(resolvePeerAuthMode([ns('mesh-root', 'STRICT')], 'shop', 'cart')).toBe('PERMISSIVE');
  });

  it('portLevelMtls overrides the workload mode on its port; UNSET on a port inherits', () => {
    const policies = [ns('shop', 'STRICT'), wl('shop', 'cart', 'UNSET', { 8080: 'DISABLE', 9090: 'UNSET' })];
    expect(resolvePeerAuthMode(policies, 'shop', 'cart', { port: 8080 })).toBe('DISABLE');
    expect(resolvePeerAuthMode(policies, 'shop', 'cart', { port: 9090 })).toBe('STRICT');
    expect(resolvePeerAuthMode(policies, 'shop', 'cart')).toBe('STRICT');
  });

  it('the first of several policies at one level counts (Istio: the oldest)', () => {
    expect(resolvePeerAuthMode([ns('shop', 'DISABLE'), ns('shop', 'STRICT')], 'shop', 'cart')).toBe('DISABLE');
  });
});

describe('acceptsPlaintext / acceptsMtls', () => {
  it('STRICT refuses plaintext; PERMISSIVE takes both; DISABLE takes plaintext only', () => {
    expect([acceptsPlaintext('STRICT'), acceptsPlaintext('PERMISSIVE'), acceptsPlaintext('DISABLE')]).toEqual([false, true, true]);
    expect([acceptsMtls('STRICT'), acceptsMtls('PERMISSIVE'), acceptsMtls('DISABLE')]).toEqual([true, true, false]);
  });
});
