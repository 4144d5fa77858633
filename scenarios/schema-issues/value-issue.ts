/** Words for a zod issue about one value: what is wrong, what was expected, what was found. */
import type { z } from 'zod';
import type { IssueDraft } from '../issue-draft.js';
import { nearestName } from '../nearest-name.js';
import { describeSchema, expectation } from './describe-schema.js';
import { describeValue } from './describe-value.js';

type ZodIssue = z.core.$ZodIssue;
type Words = Pick<IssueDraft, 'message' | 'expected' | 'found' | 'suggestion'>;

/** The message of an issue about a required key that is absent. */
export const MISSING_KEY = 'missing required key';

/**
 * The draft for a zod issue on the value at `path` (not a union or unknown-key issue).
 *
 * @param schema - the schema at `path`, when known: it words "expected" better than zod's type names
 * @param value - the value found at `path`
 */
export function valueIssue(issue: ZodIssue, path: (string | number)[], schema: z.ZodType | undefined, value: unknown): IssueDraft {
  const words = issue.code === 'invalid_key' ? keyWords(issue, path) : valueWords(issue, schema, value);
  return { code: 'FL_SCENARIO_SCHEMA', path, ...words, atKey: issue.code === 'invalid_key' };
}

function valueWords(issue: ZodIssue, schema: z.ZodType | undefined, value: unknown): Words {
  const found = describeValue(value);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = schema ? describeSchema(schema) : `a ${issue.expected}`;
      return value === undefined ? { message: MISSING_KEY, expected } : { message: 'wrong type', expected, found };
    }
    case 'too_small':
    case 'too_big':
      return { ...boundWords(issue), found };
    case 'invalid_value':
      if (value === undefined) return { message: MISSING_KEY, expected: oneOf(issue.values) };
      return { message: 'not an allowed value', expected: oneOf(issue.values), found, suggestion: suggestValue(value, issue.values) };
    case 'invalid_format':
      return { message: 'wrong format', expected: expectation(issue.message) ?? formatExpectation(issue), found };
    default: {
      const expected = expectation(issue.message);
      return expected === undefined ? { message: issue.message, found } : { message: 'value not allowed', expected, found };
    }
  }
}

/** A mapping key that is not a valid name (zod `invalid_key` on a record). */
function keyWords(issue: z.core.$ZodIssueInvalidKey, path: (string | number)[]): Words {
  const inner = issue.issues[0]?.message ?? '';
  return { message: 'invalid name', expected: expectation(inner) ?? inner, found: describeValue(path.at(-1)) };
}

function boundWords(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): Words {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  const atLeast = issue.exact ? 'exactly' : small ? 'at least' : 'at most';
  if (issue.origin === 'array') return { message: small ? 'too few items' : 'too many items', expected: `${atLeast} ${count(limit, 'item')}` };
  if (issue.origin === 'string') return { message: small ? 'too short' : 'too long', expected: `${atLeast} ${count(limit, 'character')}` };
  const op = small ? (issue.inclusive ? '≥' : '>') : issue.inclusive ? '≤' : '<';
  return { message: small ? 'too small' : 'too large', expected: `a number ${op} ${limit}` };
}

function formatExpectation(issue: z.core.$ZodIssueInvalidStringFormat): string {
  return issue.pattern === undefined ? `a valid ${issue.format}` : `a string matching ${issue.pattern}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((v) => JSON.stringify(v));
  return shown.length === 1 ? shown[0] : `one of ${shown.join(', ')}`;
}

function suggestValue(value: unknown, allowed: readonly unknown[]): string | undefined {
  const names = allowed.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? nearestName(value, names) : undefined;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
