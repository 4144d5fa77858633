import type { ServiceDefinition } from '@grpc/grpc-js';

/** The one method of `faultline.echo.v1.Echo` (faultline-echo.proto), the path every gRPC attempt calls. */
export const ECHO_CALL_PATH = '/faultline.echo.v1.Echo/Call';

/** `Payload.data` is field 1, length-delimited: tag byte (1 << 3) | 2. */
const DATA_TAG = 0x0a;

/** Encodes a `Payload` message: empty data is the empty message, as proto3 omits defaults. */
export function encodePayload(data: Uint8Array): Buffer {
  if (data.length === 0) return Buffer.alloc(0);
  const length: number[] = [];
  for (let n = data.length; ; n >>>= 7) {
    if (n < 0x80) {
      length.push(n);
      break;
    }
    length.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([DATA_TAG, ...length]), data]);
}

/** Decodes a `Payload` message: its data, or empty bytes for anything else (unknown fields skipped as a miss). */
export function decodePayload(message: Buffer): Buffer {
  if (message.length === 0 || message[0] !== DATA_TAG) return Buffer.alloc(0);
  let length = 0;
  let shift = 0;
  let i = 1;
  for (; i < message.length && i < 6; i++) {
    length += (message[i] & 0x7f) * 2 ** shift;
    shift += 7;
    if ((message[i] & 0x80) === 0) break;
  }
  return message.subarray(i + 1, i + 1 + length);
}

const same = (b: Buffer): Buffer => b;

/**
 * `faultline.echo.v1.Echo` for grpc-js without codegen: the messages pass as raw Buffers
 * (encoded `Payload`s), as the reference's raw definitions do — no proto-loader, no protobufjs.
 */
export const ECHO_SERVICE: ServiceDefinition = {
  Call: {
    path: ECHO_CALL_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: same,
    requestDeserialize: same,
    responseSerialize: same,
    responseDeserialize: same,
  },
};
