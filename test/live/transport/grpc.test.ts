/**
 * Live mode over gRPC (grpc-js on both sides, faultline-echo.proto without codegen): the
 * mesh's policies end to end, and the wire itself is gRPC with the statuses of protocol-status.ts.
 */
import { Client, credentials, Metadata, type StatusObject } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { GRPC_STATUS } from '../../../proxy-core/call/grpc-status.js';
import { ECHO_CALL_PATH, decodePayload } from '../../../sim/live/transport/grpc-echo.js';
import { policiesOver, meshOf } from './protocol-mesh.js';

describe('live mesh over gRPC', () => {
  const { track } = policiesOver('grpc', ECHO_CALL_PATH);

  it('grpc: an instance answers gRPC statuses, with the local reply reason in the trailing metadata', async () => {
    const mesh = track(await meshOf(`services:\n  api: { protocol: grpc, latency: 1ms }\nmesh:\n  policies:\n    - to: api\n      rateLimit: { requestsPerUnit: 1, unit: minute }`));
    const port = mesh.services.get('api')!.instances[0].server!.port;
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure(), { 'grpc.enable_retries': 0, 'grpc.use_local_subchannel_pool': 1 });
    const same = (b: Buffer) => b;
    const ask = () =>
      new Promise<{ status: StatusObject; value: Buffer | undefined }>((resolve) => {
        const metadata = new Metadata();
        metadata.set('x-envoy-downstream-service-cluster', 'test');
        let value: Buffer | undefined;
        const call = client.makeUnaryRequest(ECHO_CALL_PATH, same, same, Buffer.alloc(0), metadata, { deadline: Date.now() + 5000 }, (_e, v) => (value = v));
        call.on('status', (status) => setImmediate(() => resolve({ status, value })));
      });
    try {
      const ok = await ask();
      expect(ok.status.code).toBe(GRPC_STATUS.OK);
      expect(decodePayload(ok.value!).toString()).toBe('ok');
      const limited = await ask();
      expect(limited.status.code).toBe(GRPC_STATUS.RESOURCE_EXHAUSTED);
      expect(limited.status.metadata.get('x-faultline-cause')).toEqual(['rate-limited']);
    } finally {
      client.close();
    }
  });
});
