/**
 * Decoding a JSON object into a Go struct's fields the way Toxiproxy's handlers do: a member
 * matches a field by exact name, else case-insensitively (`"Upstream"` sets `upstream`);
 * unknown members are ignored; `null` leaves a field as it was; members apply in order (the
 * last duplicate wins); a member of the wrong type is an error in Go's words
 * (`json: cannot unmarshal number 1.5 into Go struct field .attributes.latency of type int64`).
 */
import { GoJsonNumber, GoJsonObject } from './go-json-decode.js';
import type { GoJsonValue } from './go-json-decode.js';

/** The Go types Toxiproxy's request bodies use. `object` keeps a nested object undecoded, for a second pass. */
export type GoFieldType = 'string' | 'bool' | 'int64' | 'float32' | 'object';

/** A Go struct as JSON sees it: its type name (for messages) and its fields by JSON name. */
export interface GoStructSpec {
  /** The type's name in messages, e.g. `toxiproxy.Proxy`; `Proxy` is used before the field name. */
  readonly typeName: string;
  /** The struct's name in "Go struct field X.name" (empty for an anonymous struct). */
  readonly structName: string;
  readonly fields: Readonly<Record<string, GoFieldType>>;
  /** For `object` fields, the Go type to name in messages (default `map[string]interface {}`). */
  readonly objectTypes?: Readonly<Record<string, string>>;
}

/** A decoded field's value. */
export type GoFieldValue = string | boolean | number | GoJsonObject;

/** What {@link decodeStruct} read: the fields set (by their JSON name) and the first type error, if any. */
export interface DecodedStruct {
  readonly fields: ReadonlyMap<string, GoFieldValue>;
  /** Go's message for the first member of the wrong type (decoding went on past it, as Go's does). */
  readonly error?: string;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * Decodes `value` into the fields of `spec`.
 *
 * @param path - the field path above this struct, for messages (e.g. `attributes` for a toxic's attributes)
 */
export function decodeStruct(value: GoJsonValue, spec: GoStructSpec, path = ''): DecodedStruct {
  const fields = new Map<string, GoFieldValue>();
  if (value === null) return { fields };
  if (!(value instanceof GoJsonObject)) {
    const where = path === '' ? `Go value of type ${spec.typeName}` : `Go struct field ${spec.structName}.${path} of type ${spec.typeName}`;
    return { fields, error: `json: cannot unmarshal ${kindOf(value)} into ${where}` };
  }
  let error: string | undefined;
  const names = Object.keys(spec.fields);
  for (const [key, member] of value.entries) {
    const name = names.includes(key) ? key : names.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
    if (name === undefined || member === null) continue;
    const type = spec.fields[name];
    const decoded = decodeField(member, type);
    if (decoded.ok) fields.set(name, decoded.value);
    else error ??= `json: cannot unmarshal ${decoded.found} into Go struct field ${spec.structName}.${path === '' ? '' : `${path}.`}${name} of type ${type === 'object' ? (spec.objectTypes?.[name] ?? 'map[string]interface {}') : type}`;
  }
  return { fields, error };
}

type FieldResult = { ok: true; value: GoFieldValue } | { ok: false; found: string };

function decodeField(member: GoJsonValue, type: GoFieldType): FieldResult {
  switch (type) {
    case 'string':
      return typeof member === 'string' ? { ok: true, value: member } : { ok: false, found: kindOf(member) };
    case 'bool':
      return typeof member === 'boolean' ? { ok: true, value: member } : { ok: false, found: kindOf(member) };
    case 'int64':
      if (!(member instanceof GoJsonNumber)) return { ok: false, found: kindOf(member) };
      return isInt64(member.raw) ? { ok: true, value: Number(member.raw) } : { ok: false, found: `number ${member.raw}` };
    case 'float32': {
      if (!(member instanceof GoJsonNumber)) return { ok: false, found: kindOf(member) };
      const number = Number(member.raw);
      return Number.isFinite(Math.fround(number)) ? { ok: true, value: number } : { ok: false, found: `number ${member.raw}` };
    }
    case 'object':
      return member instanceof GoJsonObject ? { ok: true, value: member } : { ok: false, found: kindOf(member) };
  }
}

function isInt64(raw: string): boolean {
  if (!INTEGER.test(raw)) return false;
  const value = BigInt(raw);
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** How Go names a JSON value's kind in a type error. */
function kindOf(value: GoJsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (value instanceof GoJsonNumber) return 'number';
  if (Array.isArray(value)) return 'array';
  return 'object';
}
