/**
 * Live mode over HTTP/2 (h2c: undici's client with prior knowledge, node:http2's server):
 * the mesh's policies end to end, and the wire itself is HTTP/2.
 */
import http2 from 'node:http2';
import { describe, expect, it } from 'vitest';
import { policiesOver, meshOf } from './protocol-mesh.js';

describe('live mesh over HTTP/2', () => {
  const { track } = policiesOver('http2', '/admin');

  it('http2: an instance speaks HTTP/2 on the wire, with the local reply reason in its headers', async () => {
    const mesh = track(await meshOf(`services:\n  api: { protocol: http2, latency: 1ms }\nmesh:\n  policies:\n    - to: api\n      rateLimit: { requestsPerUnit: 1, unit: minute }`));
    const port = mesh.services.get('api')!.instances[0].server!.port;
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const ask = () =>
      new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        const req = session.request({ ':path': '/x', 'x-envoy-downstream-service-cluster': 'test' });
        req.on('response', resolve).on('error', reject).resume().end();
      });
    try {
      expect((await ask())[':status']).toBe(200);
      const limited = await ask();
      expect(limited[':status']).toBe(429);
      expect(limited['x-faultline-cause']).toBe('rate-limited');
    } finally {
      session.destroy();
    }
  });
});
