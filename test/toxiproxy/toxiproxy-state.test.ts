/**
 * The fault proxy driven from code, without HTTP, as live mode drives it: proxies and toxics
 * through {@link ToxiproxyState}, the same errors as the API (classes with stable codes and
 * HTTP statuses), and a seed that makes the toxics' draws repeat.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  BadRequestBodyError,
  InvalidStreamError,
  InvalidToxicTypeError,
  MissingFieldError,
  PopulateError,
  ProxyExistsError,
  ProxyNotFoundError,
  ToxicExistsError,
  ToxicNotFoundError,
  ToxiproxyState,
} from '../../sim/toxiproxy/index.js';
import { Harness, roundTrip } from './toxiproxy-harness.js';

const harness = new Harness();
const states: ToxiproxyState[] = [];
afterEach(async () => {
  await Promise.all(states.splice(0).map((state) => state.close()));
  await harness.close();
});

function newState(seed = 3): ToxiproxyState {
  const state = new ToxiproxyState({ seed });
  states.push(state);
  return state;
}

describe('ToxiproxyState', () => {
  it('creates a proxy and adds, changes and removes toxics on an open connection', async () => {
    const state = newState();
    const proxy = await state.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: await harness.echo() });
    const socket = await harness.connect(proxy.listen);
    expect(await roundTrip(socket)).toBeLessThan(100);
    const toxic = state.addToxic('db', { type: 'latency', attributes: { latency: 150 } });
    expect(toxic).toEqual({ attributes: { latency: 150, jitter: 0 }, name: 'latency_downstream', type: 'latency', stream: 'downstream', toxicity: 1 });
    expect(await roundTrip(socket)).toBeGreaterThanOrEqual(150);
    state.updateToxic('db', 'latency_downstream', { toxicity: 0 });
    expect(await roundTrip(socket)).toBeLessThan(100);
    state.updateToxic('db', 'latency_downstream', { toxicity: 1, attributes: { latency: 200 } });
    expect(await roundTrip(socket)).toBeGreaterThanOrEqual(200);
    state.removeToxic('db', 'latency_downstream');
    expect(await roundTrip(socket)).toBeLessThan(100);
    expect(state.listToxics('db')).toEqual([]);
  });

  it('answers with the API’s errors: classes with stable codes and the HTTP status', async () => {
    const state = newState();
    await state.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: 'x:1' });
    const cases: Array<[() => unknown, new (...args: never[]) => Error, string, number]> = [
      [() => state.getProxy('nope'), ProxyNotFoundError, 'FL_TOXIPROXY_PROXY_NOT_FOUND', 404],
      [() => state.addToxic('p', { type: 'latency', stream: 'up' }), InvalidStreamError, 'FL_TOXIPROXY_INVALID_STREAM', 400],
      [() => state.addToxic('p', { type: 'jam' }), InvalidToxicTypeError, 'FL_TOXIPROXY_INVALID_TOXIC_TYPE', 400],
      [() => state.addToxic('p', { type: 'latency', attributes: { latency: 0.5 } }), BadRequestBodyError, 'FL_TOXIPROXY_BAD_REQUEST_BODY', 400],
      [() => state.getToxic('p', 'nope'), ToxicNotFoundError, 'FL_TOXIPROXY_TOXIC_NOT_FOUND', 404],
    ];
    for (const [operation, type, code, status] of cases) {
      let caught: unknown;
      try {
        operation();
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(type);
      expect(caught).toMatchObject({ code, status });
    }
    state.addToxic('p', { type: 'latency' });
    expect(() => state.addToxic('p', { type: 'timeout', name: 'latency_downstream', stream: 'upstream' })).toThrow(ToxicExistsError);
    await expect(state.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: 'x:1' })).rejects.toBeInstanceOf(ProxyExistsError);
    await expect(state.createProxy({ name: '', listen: '127.0.0.1:0', upstream: 'x:1' })).rejects.toBeInstanceOf(MissingFieldError);
  });

  it('populate reports where it stopped with the proxies made before', async () => {
    const state = newState();
    const first = await state.createProxy({ name: 'taken', listen: '127.0.0.1:0', upstream: 'x:1' });
    const failure = await state
      .populate([
        { name: 'a', listen: '127.0.0.1:0', upstream: 'x:1' },
        { name: 'b', listen: first.listen, upstream: 'x:1' },
      ])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PopulateError);
    expect((failure as PopulateError).failure.status).toBe(500);
    expect((failure as PopulateError).proxies.map((p) => p.name)).toEqual(['a']);
  });

  it('with the same seed, toxicity applies to the same connections', async () => {
    const echo = await harness.echo();
    const pattern = async (seed: number): Promise<boolean[]> => {
      const state = newState(seed);
      const proxy = await state.createProxy({ name: 'p', listen: '127.0.0.1:0', upstream: echo });
      state.addToxic('p', { type: 'latency', toxicity: 0.5, attributes: { latency: 80 } });
      const delayed: boolean[] = [];
      for (let i = 0; i < 12; i++) {
        const socket = await harness.connect(proxy.listen);
        delayed.push((await roundTrip(socket)) >= 80);
        socket.destroy();
      }
      await state.close();
      return delayed;
    };
    const first = await pattern(11);
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await pattern(11)).toEqual(first);
  });

  it('refuses operations once closed', async () => {
    const state = newState();
    await state.close();
    await expect(state.createProxy({ name: 'late', listen: '127.0.0.1:0', upstream: 'x:1' })).rejects.toThrow('closed');
    await state.close();
  });
});
