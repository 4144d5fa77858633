/**
 * Checks on the YAML tree that the schema cannot make on the plain value: keys are strings,
 * and every alias names an anchor before it and outside itself (so the value is a tree).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Alias, Node, Pair } from 'yaml';
import type { ScenarioIssue } from '../scenario-error.js';
import { describeValue } from '../schema-issues/describe-value.js';
import { issueAt } from './yaml-source.js';
import type { YamlSource } from './yaml-source.js';

type Ancestors = readonly unknown[];

/** Non-string keys (as schema issues) and unresolved or self-containing aliases (as syntax issues). */
export function structureIssues(source: YamlSource): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  visit(source.doc, {
    Pair(_, pair, ancestors) {
      if (!(isScalar(pair.key) && typeof pair.key.value === 'string')) issues.push(keyIssue(source, pair, ancestors));
    },
    Alias(_, alias, ancestors) {
      const problem = aliasProblem(source, alias, ancestors);
      if (problem) issues.push(issueAt(source, alias.range?.[0] ?? 0, { code: 'FL_SCENARIO_SYNTAX', path: pathOf([...ancestors, alias]), message: problem }));
    },
  });
  return issues;
}

function keyIssue(source: YamlSource, pair: Pair, ancestors: Ancestors): ScenarioIssue {
  const key = pair.key as Node | null;
  const offset = key?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
  return issueAt(source, offset, {
    code: 'FL_SCENARIO_SCHEMA',
    path: pathOf(ancestors),
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

function aliasProblem(source: YamlSource, alias: Alias, ancestors: Ancestors): string | undefined {
  const target = alias.resolve(source.doc);
  if (target === undefined) return `alias *${alias.source} has no anchor &${alias.source} before it`;
  if (ancestors.includes(target)) return `alias *${alias.source} is inside the node it names, which would make the value infinite`;
  return undefined;
}

/** The key path of the node under the given ancestors (a document, then collections and pairs). */
function pathOf(ancestors: Ancestors): (string | number)[] {
  const path: (string | number)[] = [];
  ancestors.forEach((node, i) => {
    const parent = ancestors[i - 1];
    if (isPair(node)) path.push(isScalar(node.key) ? String(node.key.value) : '?');
    else if (isSeq(parent)) path.push(parent.items.indexOf(node));
  });
  return path;
}
