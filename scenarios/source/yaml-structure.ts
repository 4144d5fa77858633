/**
 * Checks on the YAML tree that the schema cannot make on the plain value: keys are strings
 * and unique within their mapping, and every alias names an anchor before it and outside
 * itself (so the value is a tree). One pass over the tree, carrying the key path.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Alias, Node, Pair, YAMLMap } from 'yaml';
import { MAX_ALIASES } from '../limits.js';
import type { ScenarioIssue } from '../scenario-error.js';
import { describeValue } from '../schema-issues/describe-value.js';
import { issueAt } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

type Key = string | number;

/**
 * Non-string keys (as schema issues), repeated keys, and unresolved or self-containing
 * aliases (as syntax issues), each with its key path; more than {@link MAX_ALIASES}
 * aliases (as a limit, at the first one past it). Anchors are looked up as the walk
 * passes them, in document order, as YAML resolves aliases. The tree is at most
 * `MAX_NESTING_DEPTH` deep (read-yaml checks that first), so the walk recurses.
 */
export function structureIssues(source: YamlSource): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const ancestors: Node[] = [];
  const anchors = new Map<string, Node>();
  let aliases = 0;
  const walk = (node: Node | null, path: Key[]): void => {
    if (isAlias(node)) {
      if (++aliases === MAX_ALIASES + 1) issues.push(tooManyAliases(source, node, path));
      const problem = aliasProblem(node, anchors.get(node.source), ancestors);
      if (problem) issues.push(issueAt(source, node.range?.[0] ?? 0, { code: 'FL_SCENARIO_SYNTAX', path, message: problem }));
      return;
    }
    if (node?.anchor) anchors.set(node.anchor, node);
    if (!isMap(node) && !isSeq(node)) return;
    ancestors.push(node);
    if (isMap(node)) mapIssues(source, node, path, issues, walk);
    else node.items.forEach((item, i) => walk(item as Node | null, [...path, i]));
    ancestors.pop();
  };
  walk(source.doc.contents, []);
  return issues;
}

/** The issues of a mapping's keys, then of its values (walked in turn). */
function mapIssues(source: YamlSource, map: YAMLMap, path: Key[], issues: ScenarioIssue[], walk: (node: Node | null, path: Key[]) => void): void {
  const seen = new Set<string>();
  for (const pair of map.items as Pair<Node | null, Node | null>[]) {
    const key = pair.key;
    if (!(isScalar(key) && typeof key.value === 'string')) {
      issues.push(keyIssue(source, pair, path));
      walk(key, [...path, '?']);
      walk(pair.value, [...path, '?']);
      continue;
    }
    if (seen.has(key.value)) issues.push(issueAt(source, key.range?.[0] ?? 0, { code: 'FL_SCENARIO_SYNTAX', path: [...path, key.value], message: `duplicate key ${JSON.stringify(key.value)}` }));
    seen.add(key.value);
    walk(pair.value, [...path, key.value]);
  }
}

function tooManyAliases(source: YamlSource, alias: Alias, path: Key[]): ScenarioIssue {
  return issueAt(source, alias.range?.[0] ?? 0, {
    code: 'FL_SCENARIO_LIMIT',
    path,
    message: `more than ${MAX_ALIASES} aliases`,
    expected: `at most ${MAX_ALIASES} aliases (*name) in a file`,
  });
}

function keyIssue(source: YamlSource, pair: Pair<Node | null, Node | null>, path: Key[]): ScenarioIssue {
  const key = pair.key;
  const offset = key?.range?.[0] ?? pair.value?.range?.[0] ?? 0;
  return issueAt(source, offset, {
    code: 'FL_SCENARIO_SCHEMA',
    path,
    message: 'a key that is not a string',
    expected: 'a string key',
    found: describeKey(key),
  });
}

function describeKey(key: Node | null): string {
  if (isScalar(key)) return describeValue(key.value);
  if (isAlias(key)) return `alias *${key.source}`;
  return isSeq(key) ? 'a list' : isMap(key) ? 'a mapping' : 'nothing';
}

/** What is wrong with an alias, given the last node before it with its anchor (as YAML resolves aliases). */
function aliasProblem(alias: Alias, target: Node | undefined, ancestors: readonly Node[]): string | undefined {
  if (target === undefined) return `alias *${alias.source} has no anchor &${alias.source} before it`;
  if (ancestors.includes(target)) return `alias *${alias.source} is inside the node it names, which would make the value infinite`;
  return undefined;
}
