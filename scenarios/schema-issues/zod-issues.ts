/**
 * Turning zod's issues into issues for people: one per problem, at the key path of the
 * problem, saying what was expected and what was found. Union failures are resolved to the
 * alternative the value was evidently meant to be, or else list the alternatives; unknown
 * keys come one by one with the nearest allowed key.
 */
import { z } from 'zod';
import type { IssueDraft } from '../issue-draft.js';
import { nearestName } from '../nearest-name.js';
import { describeSchema } from './describe-schema.js';
import { describeValue } from './describe-value.js';
import { allowedKeys, schemaAt, unwrap, valueAt } from './schema-at-path.js';
import { MISSING_KEY, valueIssue } from './value-issue.js';

type ZodIssue = z.core.$ZodIssue;
type Key = string | number;

/** Where an issue's relative path starts: a key path of the input, and the schema there. */
interface Base {
  path: Key[];
  schema: z.ZodType | undefined;
}

/**
 * The drafts for zod's issues from parsing `input` with `schema`. A missing key is left out
 * when an unknown key beside it is probably that key misspelt.
 */
export function draftsFromZod(issues: readonly ZodIssue[], schema: z.ZodType, input: unknown): IssueDraft[] {
  const drafts = issues.flatMap((issue) => draftsOf(issue, { path: [], schema }, input));
  const misspelt = new Set(drafts.filter((d) => d.code === 'FL_SCENARIO_UNKNOWN_KEY' && d.suggestion !== undefined).map((d) => keyAt(d.path.slice(0, -1), d.suggestion!)));
  return drafts.filter((draft) => !(draft.message === MISSING_KEY && misspelt.has(keyAt(draft.path.slice(0, -1), draft.path.at(-1)!))));
}

/** A key for "the key `key` of the mapping at `parent`", to look drafts up by in one pass. */
function keyAt(parent: readonly Key[], key: Key): string {
  return JSON.stringify([parent, String(key)]);
}

function draftsOf(issue: ZodIssue, base: Base, input: unknown): IssueDraft[] {
  const relative = issue.path.map((key) => (typeof key === 'number' ? key : String(key)));
  const path = [...base.path, ...relative];
  const schema = schemaAt(base.schema, relative, valueAt(input, base.path));
  if (issue.code === 'invalid_union') return unionDrafts(issue, { path, schema }, input);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(schema, valueAt(input, path));
    return issue.keys.map((key) => unknownKey([...path, key], allowed));
  }
  return [valueIssue(issue, path, schema, valueAt(input, path))];
}

function unionDrafts(issue: z.core.$ZodIssueInvalidUnion, at: Base, input: unknown): IssueDraft[] {
  const value = valueAt(input, at.path);
  if (issue.discriminator !== undefined) return [badDiscriminator(issue.discriminator, discriminatorOptions(issue), at.path, value)];
  const branch = likelyBranch(issue.errors);
  if (branch === undefined) {
    const expected = at.schema && describeSchema(at.schema);
    return [{ code: 'FL_SCENARIO_SCHEMA', path: at.path, message: 'wrong type', expected, found: describeValue(value) }];
  }
  const union = at.schema && unwrap(at.schema);
  const option = union instanceof z.ZodUnion ? (union.options[branch] as z.ZodType) : undefined;
  return issue.errors[branch].flatMap((inner) => draftsOf(inner, { path: at.path, schema: option }, input));
}

function discriminatorOptions(issue: z.core.$ZodIssueInvalidUnion): string[] {
  return 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
}

/**
 * The union option the value was most likely meant for: not one whose type it lacks
 * altogether, and among the rest the one with the fewest unknown keys, then fewest issues.
 */
function likelyBranch(errors: readonly (readonly ZodIssue[])[]): number | undefined {
  let best: number | undefined;
  let bestScore = Infinity;
  errors.forEach((issues, i) => {
    if (issues.some((issue) => issue.path.length === 0 && (issue.code === 'invalid_type' || issue.code === 'invalid_value'))) return;
    const unknownKeys = issues.reduce((n, issue) => n + (issue.code === 'unrecognized_keys' ? issue.keys.length : 0), 0);
    const score = unknownKeys * 1000 + issues.length;
    if (score < bestScore) [best, bestScore] = [i, score];
  });
  return best;
}

function badDiscriminator(tag: string, options: string[], path: Key[], value: unknown): IssueDraft {
  return {
    code: 'FL_SCENARIO_SCHEMA',
    path,
    message: value === undefined ? `missing ${tag}` : `unknown ${tag}`,
    expected: `one of ${options.join(', ')}`,
    found: value === undefined ? undefined : describeValue(value),
    suggestion: typeof value === 'string' ? nearestName(value, options) : undefined,
  };
}

function unknownKey(path: Key[], allowed: string[]): IssueDraft {
  return {
    code: 'FL_SCENARIO_UNKNOWN_KEY',
    path,
    message: 'unknown key',
    expected: allowed.length > 0 ? `one of ${allowed.join(', ')}` : undefined,
    suggestion: nearestName(String(path.at(-1)), allowed),
    atKey: true,
  };
}
