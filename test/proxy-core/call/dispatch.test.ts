import { describe, expect, it } from 'vitest';
import { compose, type CallHandler, type CallRequest, type Dispatch, type Interceptor } from '../../../proxy-core/call/dispatch.js';

const request: CallRequest = { id: 1, caller: 'a', callee: 'b', headers: {}, startedAt: 0 };

describe('compose', () => {
  it('wraps the terminal so that the first interceptor sees a call first and its outcome last', () => {
    const seen: string[] = [];
    const tagging =
      (name: string): Interceptor =>
      (next) =>
      (req, handler) => {
        seen.push(`${name} call`);
        next(req, {
          onResponse: (r, status, outcome) => {
            seen.push(`${name} response`);
            handler.onResponse(r, status, outcome);
          },
          onError: (r, outcome) => handler.onError(r, outcome),
        });
      };
    const terminal: Dispatch = (req, handler) => {
      seen.push('terminal');
      handler.onResponse(req, 200, 'ok');
    };
    const outer: CallHandler = { onResponse: () => seen.push('caller'), onError: () => seen.push('caller error') };
    compose(terminal, [tagging('outer'), tagging('inner')])(request, outer);
    expect(seen).toEqual(['outer call', 'inner call', 'terminal', 'inner response', 'outer response', 'caller']);
  });
});
