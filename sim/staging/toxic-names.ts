/**
 * How a run names the toxics it creates, so that anyone can tell whose they are and whether
 * their run can still be alive: `faultline-<run>-until<epoch s>-f<fault>-<stream>`. The run id
 * finds the run's journal; the deadline (the run's start plus the target's `maxDuration`, and
 * a margin) is when no run could still own the toxic, even one killed on another machine
 * whose journal is gone.
 */
import { randomBytes } from 'node:crypto';

/** Every toxic faultline creates starts with this. */
export const TOXIC_PREFIX = 'faultline-';

const NAME = /^faultline-(r[0-9a-z]+)-until([0-9]+)-f([0-9]+)-(upstream|downstream)$/;

/** What a toxic's name says about its run. */
export interface ToxicOwner {
  readonly runId: string;
  /** Unix seconds after which its run cannot be running. */
  readonly deadlineEpochS: number;
  readonly fault: number;
  readonly stream: 'upstream' | 'downstream';
}

/** A new run id: the start time in base 36 and 4 random bytes, e.g. `rmhq3z1kb4f9a2c1`. */
export function newRunId(nowEpochMs: number): string {
  return `r${nowEpochMs.toString(36)}${randomBytes(4).toString('hex')}`;
}

/** The name of the toxic that run `runId` puts on a proxy for its fault number `fault`. */
export function toxicName(runId: string, deadlineEpochS: number, fault: number, stream: 'upstream' | 'downstream'): string {
  return `${TOXIC_PREFIX}${runId}-until${deadlineEpochS}-f${fault}-${stream}`;
}

/** Whose a toxic is, by its name; null when faultline did not name it. */
export function ownerOfToxic(name: string): ToxicOwner | null {
  const m = NAME.exec(name);
  if (m === null) return null;
  return { runId: m[1], deadlineEpochS: Number(m[2]), fault: Number(m[3]), stream: m[4] as 'upstream' | 'downstream' };
}
