import type { Load, Scenario } from '../scenarios/schema.js';

/**
 * The scenario cut to `durationMs` (the CLI's `--duration`): every load stops starting
 * requests by then — a constant executor's duration is shortened, a ramping one's stages are
 * cut where the time runs out (the last one ramps only part of the way) — and a load that
 * would start after it is left out. Faults are kept as written: one that starts after the
 * end is reported as skipped, one that outlasts it is cut short by the run's end.
 */
export function shortenScenario(scenario: Scenario, durationMs: number): Scenario {
  const load: Record<string, Load> = {};
  for (const [name, spec] of Object.entries(scenario.load)) {
    const room = durationMs - spec.startTime;
    if (room <= 0) continue;
    load[name] = shortenLoad(spec, room);
  }
  return { ...scenario, load };
}

function shortenLoad(spec: Load, room: number): Load {
  if (spec.executor !== 'ramping-arrival-rate') return { ...spec, duration: Math.min(spec.duration, room) };
  const stages: typeof spec.stages = [];
  let from = spec.startRate;
  let left = room;
  for (const stage of spec.stages) {
    if (left <= 0) break;
    if (stage.duration <= left) stages.push(stage);
    else stages.push({ duration: left, target: from + ((stage.target - from) * left) / stage.duration });
    left -= stage.duration;
    from = stage.target;
  }
  return { ...spec, stages };
}
