/** What a schema expects, in words, for the "expected …" part of messages. */
import { z } from 'zod';
import { discriminatorValues, unwrap } from './schema-at-path.js';

/**
 * Describes what `schema` accepts: `an integer`, `a duration with a unit, like 250ms, 2s or
 * 1h`, `a mapping with type: constant | uniform | …`, alternatives joined by `, or `.
 * A string schema is described by its own message when that message reads `expected …`.
 */
export function describeSchema(schema: z.ZodType): string {
  const s = unwrap(schema);
  if (s instanceof z.ZodString) return describeString(s);
  if (s instanceof z.ZodNumber) return s.isInt ? 'an integer' : 'a number';
  if (s instanceof z.ZodBoolean) return 'true or false';
  if (s instanceof z.ZodLiteral) return [...s.values].map((v) => JSON.stringify(v)).join(' or ');
  if (s instanceof z.ZodEnum) return `one of ${s.options.join(', ')}`;
  if (s instanceof z.ZodTuple) return `a list of ${s.def.items.length} items`;
  if (s instanceof z.ZodArray) return 'a list';
  if (s instanceof z.ZodRecord) return 'a mapping';
  if (s instanceof z.ZodDiscriminatedUnion) return describeTagged(s);
  if (s instanceof z.ZodUnion) return (s.options as z.ZodType[]).map(describeSchema).join(', or ');
  if (s instanceof z.ZodObject) return describeObject(s);
  return 'a valid value';
}

/**
 * The text after `expected ` in a message such as `expected a duration with a unit, like
 * 250ms`; undefined for other messages.
 */
export function expectation(message: string): string | undefined {
  return message.startsWith('expected ') ? message.slice('expected '.length) : undefined;
}

function describeString(s: z.ZodString): string {
  const issue = s.safeParse('').error?.issues[0];
  return (issue && expectation(issue.message)) ?? 'a string';
}

function describeTagged(union: z.ZodDiscriminatedUnion): string {
  const tag = union.def.discriminator;
  const values = (union.options as z.ZodType[]).flatMap((option) => [...discriminatorValues(option, tag)]);
  return `a mapping with ${tag}: ${values.join(' | ')}`;
}

function describeObject(object: z.ZodObject): string {
  const required = Object.entries(object.shape)
    .filter(([, field]) => !(field as z.ZodType).isOptional())
    .map(([key]) => key);
  if (required.length === 0) return 'a mapping';
  return `a mapping with ${required.length === 1 ? 'key' : 'keys'} ${required.join(', ')}`;
}
