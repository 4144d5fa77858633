/**
 * Rotation for real: the core's WorkloadIdentity asks the real CA again, and connections
 * made after a rotation present the new certificate, on the server side and the client side;
 * through a CA outage the old one is kept. Rotation is driven by hand (timers fired when the
 * test says), and once by the real clock with a short-lived certificate.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RealClock } from '../../../proxy-core/clock/real-clock.js';
import { DEFAULT_CSR_RETRY_MS } from '../../../proxy-core/identity/workload-identity.js';
import type { WorkloadTls } from '../../../sim/live/identity/workload-tls.js';
import { X509Authority } from '../../../sim/live/identity/x509-authority.js';
import { FRONTEND, ORDERS, SteppedClock, TRUST_DOMAIN, connect, readAll, recordingListener, startWorkload, type RecordingListener } from './pki-fixture.js';

const HOUR = 3_600_000;
const stepped = new SteppedClock();
const real = new RealClock();
let authority: X509Authority;
let shortLived: X509Authority;
let orders: WorkloadTls;
let frontend: WorkloadTls;
let strict: RecordingListener;
const started: WorkloadTls[] = [];
const listeners: RecordingListener[] = [];

beforeAll(async () => {
  authority = await X509Authority.create(stepped, { trustDomain: TRUST_DOMAIN, workloadTtlMs: HOUR });
  // A second CA of the domain, on the real clock, trusted before any workload builds its context.
  shortLived = await X509Authority.create(real, { trustDomain: TRUST_DOMAIN, name: 'istiod-short.cluster.local', workloadTtlMs: 20_000, trust: authority.trust });
  [orders, frontend] = await Promise.all([startWorkload(stepped, authority, ORDERS), startWorkload(stepped, authority, FRONTEND)]);
  strict = await recordingListener({ mode: 'STRICT', tls: orders });
  started.push(orders, frontend);
  listeners.push(strict);
});

afterAll(async () => {
  await Promise.all(listeners.map((l) => l.listener.close()));
  for (const w of started) w.stop();
  real.cancelAll();
});

/** Serial numbers (hex) both sides saw on one new connection. */
async function handshakeSerials(port = strict.port, client = frontend): Promise<{ server: string; client: string }> {
  const admission = strict.nextAdmission();
  const { socket, verdict } = await connect(client, port, ORDERS);
  expect(verdict?.ok).toBe(true);
  const server = verdict!.ok ? verdict!.certificate.serialNumber : '';
  await readAll(socket!);
  const { peer } = await admission;
  return { server, client: peer!.certificate.serialNumber };
}

/** Resolves at `tls`'s next certificate change. */
function nextChange(tls: WorkloadTls): Promise<string> {
  return new Promise((resolve) => {
    const off = tls.onChange((_, material) => {
      off();
      resolve(material.certPem);
    });
  });
}

/** The serial number (hex) of the certificate `tls` presents now. */
function serialOf(tls: WorkloadTls): string {
  return new X509Certificate(tls.currentMaterial()!.certPem).serialNumber;
}

describe('rotation of real certificates', () => {
  it('a new connection after the server rotates presents the new certificate; one after the client rotates, the client\'s new one', async () => {
    const before = await handshakeSerials();
    expect(before).toEqual({ server: serialOf(orders), client: serialOf(frontend) });
    // The identities wait for their rotation timers (half the lifetime left, Istio's rotateTime).
    expect(stepped.pending().every((delay) => delay > HOUR / 2 - 5000 && delay <= HOUR / 2)).toBe(true);

    const rotated = Promise.all([nextChange(orders), nextChange(frontend)]);
    stepped.fire(); // both rotation timers fall due: each identity asks the CA again
    await rotated;
    expect([orders.identity.rotations, frontend.identity.rotations]).toEqual([1, 1]);

    const after = await handshakeSerials();
    expect(after).toEqual({ server: serialOf(orders), client: serialOf(frontend) });
    expect(after.server).not.toBe(before.server);
    expect(after.client).not.toBe(before.client);
  });

  it('through a CA outage the workloads keep presenting their certificate, and rotate once it is back', async () => {
    const before = await handshakeSerials();
    authority.available = false;
    stepped.fire(); // rotation due: the CA answers null, a CSR retry is scheduled
    expect(stepped.pending()).toEqual([DEFAULT_CSR_RETRY_MS, DEFAULT_CSR_RETRY_MS]);
    expect(await handshakeSerials()).toEqual(before);

    authority.available = true;
    const rotated = Promise.all([nextChange(orders), nextChange(frontend)]);
    stepped.fire();
    await rotated;
    const after = await handshakeSerials();
    expect(after.server).not.toBe(before.server);
    expect(after.client).not.toBe(before.client);
  });

  it('on the real clock, a short-lived certificate is rotated by its timer and the listener serves the new one', async () => {
    // 20 s certificates rotated with 90% of their life left: the first rotation ~2 s after issue.
    const server = await startWorkload(real, shortLived, ORDERS, { graceRatio: 0.9 });
    started.push(server);
    const l = await recordingListener({ mode: 'STRICT', tls: server });
    listeners.push(l);
    const first = serialOf(server);
    expect(server.identity.rotateAt - Date.now()).toBeLessThan(3000);
    await nextChange(server);
    const { verdict } = await connect(frontend, l.port, ORDERS);
    expect(verdict?.ok && verdict.certificate.serialNumber).toBe(serialOf(server));
    expect(serialOf(server)).not.toBe(first);
  }, 15_000);
});
