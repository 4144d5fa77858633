/**
 * Thresholds that parse (k6's syntax, via `reports/thresholds.ts`) and whose tags name a
 * service, edge or request class the scenario has.
 */
import { parseMetricSelector, parseThresholdExpression, ThresholdSyntaxError } from '../../reports/thresholds.js';
import type { MetricSelector } from '../../reports/thresholds.js';
import type { IssueDraft } from '../issue-draft.js';
import type { Scenario } from '../schema.js';
import { thresholdExpression } from '../threshold-entries.js';
import { callEdges } from './call-graph.js';
import { referenceIssue } from './reference-issue.js';

/** An issue for each threshold key or expression that does not parse, and each tag value that names nothing. */
export function checkThresholds(scenario: Scenario): IssueDraft[] {
  const known = targets(scenario);
  return Object.entries(scenario.thresholds).flatMap(([key, entries]) => {
    const path = ['thresholds', key];
    const selector = attempt(() => parseMetricSelector(key));
    if (selector instanceof ThresholdSyntaxError) return [{ ...syntaxIssue(path, selector), atKey: true }];
    return [
      ...tagIssues(known, selector, path),
      ...entries.flatMap((entry, i) => {
        const parsed = attempt(() => parseThresholdExpression(thresholdExpression(entry), selector.metric));
        return parsed instanceof ThresholdSyntaxError ? [syntaxIssue(typeof entry === 'string' ? [...path, i] : [...path, i, 'threshold'], parsed)] : [];
      }),
    ];
  });
}

function attempt<T>(parse: () => T): T | ThresholdSyntaxError {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ThresholdSyntaxError) return error;
    throw error;
  }
}

function syntaxIssue(path: (string | number)[], error: ThresholdSyntaxError): IssueDraft {
  const prefix = `threshold ${JSON.stringify(error.input)}: `;
  const reason = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { code: 'FL_SCENARIO_SCHEMA', path, message: reason };
}

/** The names a tag can take, in file order and as a set for lookups. */
type Targets = Record<'service' | 'edge' | 'class', { readonly names: readonly string[]; readonly set: ReadonlySet<string> }>;

function tagIssues(known: Targets, selector: MetricSelector, path: (string | number)[]): IssueDraft[] {
  return (['service', 'edge', 'class'] as const)
    .filter((tag) => selector.tags[tag] !== undefined && !known[tag].set.has(selector.tags[tag]))
    .map((tag) => ({ ...referenceIssue(path, `unknown ${tag} in the ${tag} tag`, selector.tags[tag], known[tag].names), atKey: true }));
}

/** What `service:`, `edge:` and `class:` tags can name: services, edges (calls, and loads to their targets), request classes. */
function targets(scenario: Scenario): Targets {
  const loads = Object.entries(scenario.load);
  const edges = [...loads.map(([name, load]) => `${name}->${load.target}`), ...callEdges(scenario).map((e) => `${e.from}->${e.to}`)];
  return {
    service: namesOf(Object.keys(scenario.services)),
    edge: namesOf(edges),
    class: namesOf(loads.flatMap(([, load]) => load.classes.map((c) => c.name))),
  };
}

function namesOf(names: readonly string[]): Targets['service'] {
  const set = new Set(names);
  return { names: [...set], set };
}
