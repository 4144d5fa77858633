import type { Headers } from '../../../proxy-core/call/headers.js';
import type { Rng } from '../../../proxy-core/clock/rng.js';
import type { Load } from '../../../scenarios/schema.js';

/** What a request of one class carries. */
export interface RequestTemplate {
  readonly method: string;
  readonly path: string;
  /** The class's headers, with its token as `authorization: Bearer …`; shared, never mutated. */
  readonly headers: Headers;
}

/** Turns a token name of `security.tokens` into the token itself (live mode signs them). */
export type TokenSource = (name: string) => string;

/** The request of a load without classes: `GET /`, as in the simulator. */
const DEFAULT_TEMPLATE: RequestTemplate = Object.freeze({ method: 'GET', path: '/', headers: Object.freeze({}) });

/**
 * A load's request classes, picked by weight as the simulator picks them
 * (sim/load-runner.ts), from their own random stream: the class of arrival n is the same for
 * the same seed, whether earlier arrivals were sent or dropped.
 */
export class RequestClasses {
  private readonly cumulativeWeights: number[];
  private readonly templates: RequestTemplate[];

  /**
   * @param classes - the load's `classes`
   * @param rng - the stream classes are drawn from
   * @param tokenOf - resolves a class's `token`; needed only when a class names one
   * @throws Error if a class names a token and there is no `tokenOf`
   */
  constructor(
    classes: Load['classes'],
    private readonly rng: Rng,
    tokenOf?: TokenSource,
  ) {
    let total = 0;
    this.cumulativeWeights = classes.map((c) => (total += c.weight));
    this.templates = classes.map((c) => ({ method: c.method, path: c.path, headers: Object.freeze(withToken(c.headers, c.token, tokenOf)) }));
  }

  /** The class of the next request: an index into the load's classes, −1 when it has none. */
  pick(): number {
    const weights = this.cumulativeWeights;
    if (weights.length === 0) return -1;
    if (weights.length === 1) return 0;
    const x = this.rng.next() * weights[weights.length - 1];
    let i = 0;
    while (weights[i] <= x) i++;
    return i;
  }

  /** What a request of class `index` (from {@link RequestClasses.pick}) carries. */
  template(index: number): RequestTemplate {
    return index < 0 ? DEFAULT_TEMPLATE : this.templates[index];
  }
}

function withToken(headers: Record<string, string>, token: string | undefined, tokenOf: TokenSource | undefined): Record<string, string> {
  if (token === undefined) return { ...headers };
  if (!tokenOf) throw new Error(`request class uses token ${JSON.stringify(token)}, but the load was given no token source`);
  return { ...headers, authorization: `Bearer ${tokenOf(token)}` };
}
