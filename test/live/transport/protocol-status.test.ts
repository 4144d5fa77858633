/** The one table between HTTP and gRPC statuses and the causes they count as (protocol-status.ts). */
import { describe, expect, it } from 'vitest';
import { GRPC_STATUS } from '../../../proxy-core/call/grpc-status.js';
import {
  PROTOCOL_STATUS_TABLE,
  failureOfGrpcStatus,
  grpcStatusOfHttp,
  httpStatusOfGrpc,
  outcomeOfAnswer,
} from '../../../sim/live/transport/protocol-status.js';

const G = GRPC_STATUS;

describe('protocol-status', () => {
  it.each([
    [200, G.OK],
    [204, G.OK],
    [302, G.OK],
    [400, G.INVALID_ARGUMENT],
    [401, G.UNAUTHENTICATED],
    [403, G.PERMISSION_DENIED],
    [404, G.NOT_FOUND],
    [409, G.ABORTED],
    [418, G.FAILED_PRECONDITION],
    [429, G.RESOURCE_EXHAUSTED],
    [499, G.CANCELLED],
    [500, G.INTERNAL],
    [501, G.UNIMPLEMENTED],
    [502, G.UNAVAILABLE],
    [503, G.UNAVAILABLE],
    [504, G.DEADLINE_EXCEEDED],
    [507, G.UNKNOWN],
  ])('HTTP %i is sent as gRPC %i', (http, grpc) => {
    expect(grpcStatusOfHttp(http)).toBe(grpc);
  });

  it.each([
    [G.OK, 200],
    [G.CANCELLED, 499],
    [G.UNKNOWN, 500],
    [G.INVALID_ARGUMENT, 400],
    [G.DEADLINE_EXCEEDED, 504],
    [G.NOT_FOUND, 404],
    [G.ALREADY_EXISTS, 409],
    [G.PERMISSION_DENIED, 403],
    [G.RESOURCE_EXHAUSTED, 429],
    [G.FAILED_PRECONDITION, 400],
    [G.ABORTED, 409],
    [G.OUT_OF_RANGE, 400],
    [G.UNIMPLEMENTED, 501],
    [G.INTERNAL, 500],
    [G.UNAVAILABLE, 503],
    [G.DATA_LOSS, 500],
    [G.UNAUTHENTICATED, 401],
  ])('gRPC %i reaches the router as HTTP %i', (grpc, http) => {
    expect(httpStatusOfGrpc(grpc)).toBe(http);
  });

  it('every row of the table survives a round trip both ways', () => {
    for (const { http, grpc } of PROTOCOL_STATUS_TABLE) {
      expect(httpStatusOfGrpc(grpcStatusOfHttp(http))).toBe(http);
      expect(grpcStatusOfHttp(httpStatusOfGrpc(grpc))).toBe(grpc);
    }
  });

  it('keeps the class of every other HTTP status (4xx stays 4xx, 5xx stays 5xx)', () => {
    for (let http = 100; http < 600; http++) {
      const back = httpStatusOfGrpc(grpcStatusOfHttp(http));
      expect(Math.floor(back / 100) === Math.floor(http / 100) || (http < 400 && back === 200)).toBe(true);
    }
  });

  it('counts an answer by the stated cause first, on either protocol', () => {
    const denied = { 'x-faultline-cause': 'authz-denied', 'x-faultline-detail': 'FL_AUTHZ_DENY_MATCHED' };
    expect(outcomeOfAnswer(403, -1, denied)).toBe('authz-denied');
    expect(outcomeOfAnswer(403, G.PERMISSION_DENIED, denied)).toBe('authz-denied');
    expect(outcomeOfAnswer(503, -1, { 'x-faultline-cause': 'overflow' })).toBe('overflow');
    expect(outcomeOfAnswer(503, G.UNAVAILABLE, { 'x-faultline-cause': 'overflow' })).toBe('overflow');
    expect(outcomeOfAnswer(503, -1, { 'x-envoy-overloaded': 'true' })).toBe('overflow');
    expect(outcomeOfAnswer(503, G.UNAVAILABLE, { 'x-envoy-overloaded': 'true' })).toBe('overflow');
    expect(outcomeOfAnswer(503, -1, { 'x-faultline-cause': 'not-a-cause' })).toBe('5xx');
  });

  it('without a stated cause, counts HTTP by class and gRPC as the core reads gRPC statuses', () => {
    expect([200, 400, 403, 429, 499, 500, 503, 504].map((s) => outcomeOfAnswer(s, -1, {}))).toEqual(['ok', '4xx', '4xx', 'rate-limited', '4xx', '5xx', '5xx', '5xx']);
    const grpc = [G.OK, G.INVALID_ARGUMENT, G.PERMISSION_DENIED, G.RESOURCE_EXHAUSTED, G.CANCELLED, G.INTERNAL, G.UNAVAILABLE, G.DEADLINE_EXCEEDED, G.UNAUTHENTICATED];
    expect(grpc.map((g) => outcomeOfAnswer(httpStatusOfGrpc(g), g, {}))).toEqual(['ok', '4xx', 'authz-denied', 'rate-limited', 'cancelled', '5xx', '5xx', 'timeout', 'authn-failed']);
  });

  it("reads grpc-js's own statuses (no answer) as Envoy's transport causes", () => {
    expect(failureOfGrpcStatus('No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ')).toEqual({ cause: 'connect-failure', detail: 'FL_CONNECT_REFUSED' });
    expect(failureOfGrpcStatus('No connection established. Last error: Error: connect ETIMEDOUT')).toEqual({ cause: 'connect-failure', detail: null });
    expect(failureOfGrpcStatus('Call cancelled')).toEqual({ cause: 'reset', detail: null });
    expect(failureOfGrpcStatus('Connection dropped')).toEqual({ cause: 'reset', detail: null });
  });
});
