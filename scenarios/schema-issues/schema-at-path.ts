/**
 * Finding the part of a zod schema that applies at a key path of a value, as the parser
 * walked it: through wrappers (optional, default, transforms), into objects, records, lists,
 * and into the union option the value selects.
 */
import { z } from 'zod';

type Key = string | number;

/** The schema with the wrappers that do not change what it accepts taken off: optional, default, nullable, and the input side of a transform. */
export function unwrap(schema: z.ZodType): z.ZodType {
  if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodReadonly
  ) {
    return unwrap(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodPipe) return unwrap(schema.in as z.ZodType);
  return schema;
}

/**
 * The schema at `path` below `schema`, where `value` is the value at `schema`'s own place;
 * undefined when the schema has nothing there.
 */
export function schemaAt(schema: z.ZodType | undefined, path: readonly Key[], value: unknown): z.ZodType | undefined {
  let here = schema;
  let v = value;
  for (const key of path) {
    if (here === undefined) return undefined;
    here = childSchema(here, key, v);
    v = valueAt(v, [key]);
  }
  return here;
}

/** The value at `path`, through own properties only; undefined where the path leaves the value. */
export function valueAt(value: unknown, path: readonly Key[]): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<Key, unknown>)[key];
  }
  return v;
}

/** The options of a union that can apply to `value`: the one its discriminator selects when there is one, else all. */
function unionOptions(union: z.ZodUnion, value: unknown): z.ZodType[] {
  const options = union.options as z.ZodType[];
  if (!(union instanceof z.ZodDiscriminatedUnion)) return options;
  const tag = valueAt(value, [union.def.discriminator]);
  const chosen = options.filter((option) => discriminatorValues(option, union.def.discriminator).has(tag));
  return chosen.length > 0 ? chosen : options;
}

/** The literal values an option of a discriminated union takes for its discriminator. */
export function discriminatorValues(option: z.ZodType, discriminator: string): ReadonlySet<unknown> {
  const object = unwrap(option);
  const literal = object instanceof z.ZodObject ? unwrap(object.shape[discriminator] as z.ZodType) : undefined;
  return literal instanceof z.ZodLiteral ? literal.values : new Set();
}

/** The keys allowed in the mapping `value` at the place of `schema` (every key of every union option that can apply). */
export function allowedKeys(schema: z.ZodType | undefined, value: unknown): string[] {
  const here = schema && unwrap(schema);
  if (here instanceof z.ZodObject) return Object.keys(here.shape);
  if (here instanceof z.ZodUnion) return [...new Set(unionOptions(here, value).flatMap((option) => allowedKeys(option, value)))];
  return [];
}

function childSchema(schema: z.ZodType, key: Key, value: unknown): z.ZodType | undefined {
  const here = unwrap(schema);
  if (here instanceof z.ZodObject) return Object.hasOwn(here.shape, key) ? (here.shape[key] as z.ZodType) : undefined;
  if (here instanceof z.ZodRecord) return here.valueType as z.ZodType;
  if (here instanceof z.ZodArray) return typeof key === 'number' ? (here.element as z.ZodType) : undefined;
  if (here instanceof z.ZodTuple) return typeof key === 'number' ? (here.def.items[key] as z.ZodType | undefined) : undefined;
  if (here instanceof z.ZodUnion) {
    for (const option of unionOptions(here, value)) {
      const child = childSchema(option, key, value);
      if (child !== undefined) return child;
    }
  }
  return undefined;
}
