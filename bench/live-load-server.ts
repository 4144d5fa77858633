/**
 * The trivial HTTP server bench/live-load-generator.ts drives, in its own process
 * (`child_process.fork` with `--import tsx`): `200 ok` to every request, keep-alive. It
 * sends its port to the parent over IPC, and exits when the parent disconnects.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer({ keepAliveTimeout: 60_000 }, (_req, res) => {
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
process.on('disconnect', () => {
  server.close();
  server.closeAllConnections();
});
