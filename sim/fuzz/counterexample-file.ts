/**
 * The counterexample as an ordinary scenario file: the original file, comments and all, with
 * the shrunk case spelled out — its faults added to the file's own, the varied loads' rates
 * and spikes (a spike as ramping-arrival-rate stages), the searched parameters set on their
 * policies, the run's seed — a description saying what failed and how it was found, and no
 * `fuzz` section. `faultline run` on it reproduces the failure (exit 1): every value is
 * written so that it reads back as exactly the value that ran.
 */
import { Document, isMap, isSeq, parseDocument, type Node, type Pair, type Scalar } from 'yaml';
import type { Fault, Load } from '../../scenarios/schema.js';
import type { CaseChanges } from './fuzz-case.js';
import type { FuzzSpace } from './fuzz-space.js';

/** What the file says about how it was found. */
export interface CounterexampleStory {
  /** The scenario's name as written. */
  name: string;
  /** What failed and how it was found, in sentences (the file's description). */
  description: string;
  /** One line for the comment at the top of the file. */
  headline: string;
}

/**
 * The counterexample file: `text` (the original scenario) with `changes` and `seed` spelled
 * out and `story` told.
 */
export function counterexampleYaml(text: string, space: FuzzSpace, changes: CaseChanges, seed: number, story: CounterexampleStory): string {
  const doc = parseDocument(text);
  doc.set('name', `${story.name} (fuzz counterexample)`);
  setDescription(doc, story.description);
  doc.set('seed', seed);
  appendFaults(doc, changes.faults);
  space.loads.forEach((load) => setLoad(doc, load.name, changes.loads[load.name]));
  space.parameters.forEach((p, i) => doc.setIn(['mesh', 'policies', p.policy, ...p.path], p.kind === 'duration' ? durationText(changes.parameters[i]) : changes.parameters[i]));
  doc.delete('fuzz');
  doc.commentBefore = [` ${story.headline}`, doc.commentBefore].filter((c) => c !== null && c !== undefined).join('\n');
  return doc.toString({ lineWidth: 100 });
}

/** A duration as a file writes it, reading back exactly: whole seconds as `3s`, else milliseconds (`2500ms`). */
export function durationText(ms: number): string {
  return Number.isInteger(ms) && ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A rate per ms as a file writes it, per second (`120.5/s`): it reads back exactly when the rate was made from its value per second. */
export function rateText(perMs: number): string {
  return `${Math.round(perMs * 1000 * 1e9) / 1e9}/s`;
}

/** A fault as a file writes it: the kind, the target, the times, the magnitude. */
export function faultInput(fault: Fault): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: fault.kind };
  if (fault.kind !== 'ca-outage') {
    for (const key of ['service', 'instance', 'zone', 'edge'] as const) if (fault[key] !== undefined) out[key] = fault[key];
  }
  out.at = durationText(fault.at);
  out.for = durationText(fault.for);
  if (fault.kind === 'latency') out.delay = durationText(fault.delay);
  if (fault.kind === 'abort') out.percent = fault.percent;
  if (fault.kind === 'slowdown') out.factor = fault.factor;
  return out;
}

function setDescription(doc: Document, description: string): void {
  const node = doc.createNode(description) as Scalar;
  node.type = 'BLOCK_FOLDED';
  if (doc.has('description') || !isMap(doc.contents)) {
    doc.set('description', node);
    return;
  }
  // Right after the name, where a reader looks for it.
  const items = doc.contents.items as Pair[];
  const at = items.findIndex((pair) => (pair.key as Scalar | null)?.value === 'name');
  items.splice(at + 1, 0, doc.createPair('description', node) as Pair);
}

function appendFaults(doc: Document, faults: readonly Fault[]): void {
  if (faults.length === 0) return;
  const nodes = faults.map((fault) => {
    const node = doc.createNode(faultInput(fault)) as Node & { flow?: boolean };
    node.flow = true;
    return node;
  });
  const existing = doc.get('faults', true);
  if (isSeq(existing)) {
    existing.flow = false;
    existing.items.push(...nodes);
  } else {
    doc.set('faults', doc.createNode(nodes));
  }
}

/** Writes the varied load: its VUs, its rate, or its spike as ramping-arrival-rate stages. */
function setLoad(doc: Document, name: string, load: Load): void {
  const at = ['load', name];
  if (load.executor === 'constant-vus') {
    doc.setIn([...at, 'vus'], load.vus);
    return;
  }
  if (load.executor === 'constant-arrival-rate') {
    doc.setIn([...at, 'rate'], rateText(load.rate));
    return;
  }
  if (load.executor !== 'ramping-arrival-rate') return;
  doc.setIn([...at, 'executor'], 'ramping-arrival-rate');
  doc.deleteIn([...at, 'rate']);
  doc.deleteIn([...at, 'duration']);
  doc.setIn([...at, 'startRate'], rateText(load.startRate));
  const stages = load.stages.map((stage) => {
    const node = doc.createNode({ duration: durationText(stage.duration), target: rateText(stage.target) }) as Node & { flow?: boolean };
    node.flow = true;
    return node;
  });
  doc.setIn([...at, 'stages'], doc.createNode(stages));
}
