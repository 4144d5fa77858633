/**
 * A closed-loop load's think time as a TypeScript expression for a k6 script: a draw, in
 * seconds (what k6's `sleep` takes), from the same distribution as faultline's sampler
 * (`sim/distributions.ts`): uniform, exponential, normal clamped at 0, lognormal by median
 * and p99, Pareto, empirical by linear interpolation between percentiles. k6 draws with
 * `Math.random()`, so the draws follow the distribution but not faultline's seed.
 */
import type { Distribution } from '../../scenarios/schema.js';

/** z such that P(Z ≤ z) = 0.99 for a standard normal Z. */
const Z_99 = 2.3263478740408408;

/** Functions an expression may call, which the script then defines. */
export type ThinkTimeHelper = 'standardNormal' | 'inverseCdf';

/** The source of each helper. */
export const THINK_TIME_HELPERS: Readonly<Record<ThinkTimeHelper, string>> = {
  standardNormal: `/** A standard normal draw (Box–Muller). */
function standardNormal(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}`,
  inverseCdf: `/** The value at probability u of a piecewise-linear inverse CDF through [probability, ms] points from p = 0 to p = 1. */
function inverseCdf(points: readonly (readonly [number, number])[], u: number): number {
  for (let i = 1; i < points.length; i++) {
    const [p0, v0] = points[i - 1];
    const [p1, v1] = points[i];
    if (u <= p1) return p1 === p0 ? v1 : v0 + ((v1 - v0) * (u - p0)) / (p1 - p0);
  }
  return points[points.length - 1][1];
}`,
};

/** A think time's expression (seconds) and the helpers it calls; undefined for no think time at all. */
export function thinkTimeExpression(dist: Distribution): { expression: string; helpers: ThinkTimeHelper[] } | undefined {
  const n = (x: number): string => JSON.stringify(x);
  switch (dist.type) {
    case 'constant':
      return dist.value === 0 ? undefined : { expression: n(dist.value / 1000), helpers: [] };
    case 'uniform':
      return { expression: `(${n(dist.min)} + ${n(dist.max - dist.min)} * Math.random()) / 1000`, helpers: [] };
    case 'exponential':
      return { expression: `(-${n(dist.mean)} * Math.log(1 - Math.random())) / 1000`, helpers: [] };
    case 'normal':
      return { expression: `Math.max(0, ${n(dist.mean)} + ${n(dist.stddev)} * standardNormal()) / 1000`, helpers: ['standardNormal'] };
    case 'lognormal': {
      const mu = Math.log(dist.median);
      return { expression: `Math.exp(${n(mu)} + ${n((Math.log(dist.p99) - mu) / Z_99)} * standardNormal()) / 1000`, helpers: ['standardNormal'] };
    }
    case 'pareto':
      return { expression: `${n(dist.scale)} / Math.pow(1 - Math.random(), ${n(1 / dist.shape)}) / 1000`, helpers: [] };
    case 'empirical':
      return { expression: `inverseCdf(${JSON.stringify(empiricalPoints(dist.percentiles))}, Math.random()) / 1000`, helpers: ['inverseCdf'] };
  }
}

/** [probability, ms] points from p = 0 (0 ms unless given) to p = 1 (the largest value unless given), as faultline's empirical sampler builds them. */
export function empiricalPoints(percentiles: Record<string, number>): [number, number][] {
  const points = Object.entries(percentiles)
    .map(([key, value]): [number, number] => [Number(key.slice(1)) / 100, value])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (points[0][0] > 0) points.unshift([0, 0]);
  if (points[points.length - 1][0] < 1) points.push([1, points[points.length - 1][1]]);
  return points;
}
