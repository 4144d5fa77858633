import type { Outcome } from './failure-cause.js';

// gRPC: doc/statuscodes.md; the HTTP statuses are Envoy's Grpc::Utility::grpcToHttpStatus.

/** gRPC status codes (`grpc-status`), by name. */
export const GRPC_STATUS = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** `grpc-status` absent: the call is not gRPC, or its status has not arrived. */
export const NO_GRPC_STATUS = -1;

/**
 * The HTTP status Envoy maps a gRPC status onto (`grpcToHttpStatus`), so that retry
 * conditions and reports read gRPC and HTTP answers alike: OK 200, CANCELLED 499,
 * DEADLINE_EXCEEDED 504, RESOURCE_EXHAUSTED 429, UNAVAILABLE 503, PERMISSION_DENIED 403,
 * UNAUTHENTICATED 401, NOT_FOUND 404, UNIMPLEMENTED 501, INVALID_ARGUMENT,
 * FAILED_PRECONDITION and OUT_OF_RANGE 400, ALREADY_EXISTS and ABORTED 409, the rest 500.
 */
export function httpStatusOfGrpc(code: number): number {
  switch (code) {
    case GRPC_STATUS.OK:
      return 200;
    case GRPC_STATUS.CANCELLED:
      return 499;
    case GRPC_STATUS.INVALID_ARGUMENT:
    case GRPC_STATUS.FAILED_PRECONDITION:
    case GRPC_STATUS.OUT_OF_RANGE:
      return 400;
    case GRPC_STATUS.DEADLINE_EXCEEDED:
      return 504;
    case GRPC_STATUS.NOT_FOUND:
      return 404;
    case GRPC_STATUS.ALREADY_EXISTS:
    case GRPC_STATUS.ABORTED:
      return 409;
    case GRPC_STATUS.PERMISSION_DENIED:
      return 403;
    case GRPC_STATUS.RESOURCE_EXHAUSTED:
      return 429;
    case GRPC_STATUS.UNIMPLEMENTED:
      return 501;
    case GRPC_STATUS.UNAVAILABLE:
      return 503;
    case GRPC_STATUS.UNAUTHENTICATED:
      return 401;
    default:
      return 500;
  }
}

/**
 * How the report counts a gRPC status: OK is a success; DEADLINE_EXCEEDED a `timeout`,
 * CANCELLED `cancelled`, RESOURCE_EXHAUSTED `rate-limited`, PERMISSION_DENIED `authz-denied`,
 * UNAUTHENTICATED `authn-failed`; otherwise as its HTTP status ({@link httpStatusOfGrpc}):
 * `4xx` or `5xx`. So an HTTP 200 carrying NOT_FOUND is a failure, as it is for the caller.
 */
export function outcomeOfGrpcStatus(code: number): Outcome {
  switch (code) {
    case GRPC_STATUS.OK:
      return 'ok';
    case GRPC_STATUS.DEADLINE_EXCEEDED:
      return 'timeout';
    case GRPC_STATUS.CANCELLED:
      return 'cancelled';
    case GRPC_STATUS.RESOURCE_EXHAUSTED:
      return 'rate-limited';
    case GRPC_STATUS.PERMISSION_DENIED:
      return 'authz-denied';
    case GRPC_STATUS.UNAUTHENTICATED:
      return 'authn-failed';
    default:
      return httpStatusOfGrpc(code) < 500 ? '4xx' : '5xx';
  }
}
