/**
 * The guided search's moves: small changes to a case that came close to failing, so that the
 * search climbs toward the cliff rather than jumping about. A move keeps every gene within its
 * arbitrary's range, so that a case found this way still shrinks.
 */
import type { SeededRng } from '../seeded-rng.js';
import { targetSlots, type FaultGene } from './fault-schedule.js';
import type { FuzzCase } from './fuzz-case.js';
import { MAGNITUDE_LEVELS, type FuzzSpace, type TimeGrid } from './fuzz-space.js';
import { spikeOfGene, vusLevels } from './load-profile.js';

/** A move: a changed copy of a case. */
type Move = (space: FuzzSpace, c: FuzzCase, rng: SeededRng, fresh: () => FaultGene) => FuzzCase;

/** A copy of `parent` changed by one move, or two (one time in three), chosen among those that apply. */
export function mutateCase(space: FuzzSpace, parent: FuzzCase, rng: SeededRng, fresh: () => FaultGene): FuzzCase {
  let c = parent;
  const times = rng.next() < 1 / 3 ? 2 : 1;
  for (let i = 0; i < times; i++) {
    const moves = movesFor(space, c);
    c = moves[rng.int(moves.length)](space, c, rng, fresh);
  }
  return c;
}

function movesFor(space: FuzzSpace, c: FuzzCase): Move[] {
  const moves: Move[] = [reseed, escalate, escalate];
  const n = c.faults.length;
  if (n > 0) moves.push(retime, stretch, intensify, retarget, replace);
  if (n < space.count.max) moves.push(add, add);
  if (n > 0 && n < space.count.max) moves.push(echo, echo);
  if (n > 1) moves.push(gather, gather);
  if (space.loads.some((l) => l.rate || l.vus)) moves.push(changeRate, changeRate);
  if (space.loads.some((l) => l.spike)) moves.push(changeSpike, changeSpike);
  if (n > 0 && c.loads.some((g, i) => space.loads[i].spike && spikeOfGene(space.loads[i], g) !== null)) moves.push(alignWithSpike, alignWithSpike);
  if (space.parameters.length > 0) moves.push(changeParameter, changeParameter);
  return moves;
}

const reseed: Move = (_space, c, rng) => ({ ...c, seed: rng.int(0x7fffffff) });

/**
 * Turns every stress of the case up at once — each fault longer and stronger, each rate and
 * spike higher and longer — by up to a quarter of its range: failures grow with stress, so
 * this is the straightest way up the slope.
 */
const escalate: Move = (space, c, rng) => {
  const up = (x: number, max: number, range: number) => Math.min(max, Math.round(x + rng.next() * range / 4));
  const faults = c.faults.map((f) => ({ ...f, size: up(f.size, MAGNITUDE_LEVELS, MAGNITUDE_LEVELS), length: up(f.length, space.grid.length.max, space.grid.length.max - space.grid.length.min) }));
  const loads = c.loads.map((g, i) => {
    const spike = space.loads[i].spike;
    return {
      ...g,
      ...(g.rate === undefined ? {} : { rate: up(g.rate, MAGNITUDE_LEVELS, MAGNITUDE_LEVELS) }),
      ...(g.vus === undefined ? {} : { vus: up(g.vus, vusLevels(space.loads[i]), vusLevels(space.loads[i])) }),
      ...(g.spike === undefined || !spike
        ? {}
        : { spike: { ...g.spike, factor: up(g.spike.factor, MAGNITUDE_LEVELS, MAGNITUDE_LEVELS), length: up(g.spike.length, spike.grid.length.max, spike.grid.length.max - spike.grid.length.min) } }),
    };
  });
  return { ...c, faults, loads };
};

/** Moves one fault by up to a tenth of the window, either way. */
const retime: Move = (space, c, rng) => withFault(c, rng, (f) => ({ ...f, lateness: latenessIn(space.grid, f.lateness + step(rng, space.grid.steps / 10)) }));

/** Makes one fault longer or shorter by up to a fifth of the window. */
const stretch: Move = (space, c, rng) => withFault(c, rng, (f) => ({ ...f, length: clamp(f.length + step(rng, space.grid.steps / 5), space.grid.length.min, space.grid.length.max) }));

/** Makes one fault stronger, by up to a fifth of its range. */
const intensify: Move = (_space, c, rng) => withFault(c, rng, (f) => ({ ...f, size: clamp(f.size + 1 + rng.int(MAGNITUDE_LEVELS / 5), 0, MAGNITUDE_LEVELS) }));

/** Moves one fault to another target of its kind. */
const retarget: Move = (space, c, rng) => withFault(c, rng, (f) => ({ ...f, target: rng.int(targetSlots(space)) }));

/** Replaces one fault with a fresh one. */
const replace: Move = (_space, c, rng, fresh) => withFault(c, rng, () => fresh());

/** Adds a fresh fault. */
const add: Move = (_space, c, _rng, fresh) => ({ ...c, faults: [...c.faults, fresh()] });

/** Adds a fault of the same kind as one of the case's, on another target, close to it in time: "two crashes close together". */
const echo: Move = (space, c, rng) => {
  const f = c.faults[rng.int(c.faults.length)];
  const near = { ...f, target: (f.target + 1 + rng.int(Math.max(1, targetSlots(space) - 1))) % targetSlots(space), lateness: latenessIn(space.grid, f.lateness + step(rng, 3)) };
  return { ...c, faults: [...c.faults, near] };
};

/** Moves one fault to start close to another: two faults at once. */
const gather: Move = (space, c, rng) => {
  const i = rng.int(c.faults.length);
  const j = (i + 1 + rng.int(c.faults.length - 1)) % c.faults.length;
  const faults = [...c.faults];
  faults[i] = { ...faults[i], lateness: latenessIn(space.grid, faults[j].lateness + step(rng, 3)) };
  return { ...c, faults };
};

/** Raises or lowers one load's rate (or its VUs) by up to a fifth of its range. */
const changeRate: Move = (space, c, rng) =>
  withLoad(space, c, rng, (g, i) => {
    const moved = (level: number | undefined, levels: number) => clamp((level ?? 0) + step(rng, levels / 5), 0, levels);
    if (space.loads[i].rate) return { ...g, rate: moved(g.rate, MAGNITUDE_LEVELS) };
    if (space.loads[i].vus) return { ...g, vus: moved(g.vus, vusLevels(space.loads[i])) };
    return g;
  });

const changeSpike: Move = (space, c, rng) =>
  withLoad(space, c, rng, (g, i) => {
    const spike = space.loads[i].spike;
    if (!spike || !g.spike) return g;
    const s = g.spike;
    const moved = [
      { ...s, factor: clamp(s.factor + 1 + rng.int(MAGNITUDE_LEVELS / 5), 0, MAGNITUDE_LEVELS) },
      { ...s, lateness: latenessIn(spike.grid, s.lateness + step(rng, spike.grid.steps / 10)) },
      { ...s, length: clamp(s.length + step(rng, spike.grid.steps / 5), spike.grid.length.min, spike.grid.length.max) },
    ][rng.int(3)];
    return { ...g, spike: moved };
  });

/** Moves one fault into a spike of the load: two stresses at once. */
const alignWithSpike: Move = (space, c, rng) => {
  const spiking = space.loads.flatMap((load, i) => {
    const spike = spikeOfGene(load, c.loads[i]);
    return spike === null ? [] : [{ from: load.base.startTime + spike.at, length: spike.for + 2 * spike.rampMs }];
  });
  const { from, length } = spiking[rng.int(spiking.length)];
  const { grid } = space;
  const start = from + rng.next() * length;
  return withFault(c, rng, (f) => ({ ...f, lateness: latenessIn(grid, grid.steps - 1 - Math.floor((start - grid.from) / grid.grain)) }));
};

const changeParameter: Move = (space, c, rng) => {
  const i = rng.int(space.parameters.length);
  const { levels } = space.parameters[i];
  const parameters = [...c.parameters];
  parameters[i] = clamp(parameters[i] + step(rng, Math.max(1, levels / 5)), 0, levels);
  return { ...c, parameters };
};

function withFault(c: FuzzCase, rng: SeededRng, change: (f: FaultGene) => FaultGene): FuzzCase {
  const i = rng.int(c.faults.length);
  const faults = [...c.faults];
  faults[i] = change(faults[i]);
  return { ...c, faults };
}

function withLoad(space: FuzzSpace, c: FuzzCase, rng: SeededRng, change: (g: FuzzCase['loads'][number], i: number) => FuzzCase['loads'][number]): FuzzCase {
  const i = rng.int(space.loads.length);
  const loads = [...c.loads];
  loads[i] = change(loads[i], i);
  return { ...c, loads };
}

/** A non-zero whole step of at most `most` (at least 1) either way. */
function step(rng: SeededRng, most: number): number {
  const size = 1 + rng.int(Math.max(1, Math.round(most)));
  return rng.next() < 0.5 ? -size : size;
}

function latenessIn(grid: TimeGrid, lateness: number): number {
  return clamp(lateness, grid.length.min - 1, grid.steps - 1);
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(x)));
}
