/**
 * A toxic as configured on a proxy (Toxiproxy's `ToxicWrapper`): its name, kind, stream,
 * toxicity and attributes, and what a client may send to create or change one.
 */
import { GoJsonNumber, GoJsonObject } from './go-json-decode.js';
import type { GoJsonValue } from './go-json-decode.js';
import { float32Value } from './go-json-encode.js';
import { decodeStruct } from './go-struct-fields.js';
import type { ToxicJson } from './json-shapes.js';
import type { ToxicAttributes, ToxicKind } from './toxic-kind.js';
import { BadRequestBodyError, InvalidStreamError } from './toxiproxy-errors.js';

/** Which way a toxic acts: `upstream` is client → server, `downstream` server → client. */
export type Direction = 'upstream' | 'downstream';

/** Attributes as a client gives them: plain numbers, or an object read from JSON (which keeps number literals exact). */
export type ToxicAttributesInput = Readonly<Record<string, number>> | GoJsonObject;

/** A toxic to add. */
export interface ToxicInput {
  /** Default `<type>_<stream>`, e.g. `latency_downstream`. */
  readonly name?: string;
  /** `latency`, `bandwidth`, `slow_close`, `timeout`, `reset_peer`, `slicer`, `limit_data` or `noop`. */
  readonly type: string;
  /** `upstream` or `downstream` in any case (kept as written); default `downstream`. */
  readonly stream?: string;
  /** Probability that the toxic applies to a connection (rolled per connection and direction); default 1. */
  readonly toxicity?: number;
  /** The kind's attributes; those not given are 0. Unknown names are ignored, as Toxiproxy does. */
  readonly attributes?: ToxicAttributesInput;
}

/** A change to a toxic: the attributes given are merged into its own, the toxicity replaced when given. */
export interface ToxicChanges {
  readonly attributes?: ToxicAttributesInput;
  readonly toxicity?: number;
}

/** A toxic on a proxy. Its name, kind and stream never change; attributes and toxicity may. */
export class ToxicDefinition {
  constructor(
    readonly name: string,
    readonly kind: ToxicKind,
    /** The stream as the client wrote it. */
    readonly stream: string,
    readonly direction: Direction,
    /** As a float32, the precision Toxiproxy keeps. */
    public toxicity: number,
    public attributes: ToxicAttributes,
  ) {}

  /** The toxic as the API shows it. */
  toJson(): ToxicJson {
    return { attributes: { ...this.attributes }, name: this.name, type: this.kind.type, stream: this.stream, toxicity: float32Value(this.toxicity) };
  }
}

/**
 * The direction `stream` names, case-insensitively.
 *
 * @throws {@link InvalidStreamError} for anything else, the empty string included
 */
export function parseDirection(stream: string): Direction {
  const lower = stream.toLowerCase();
  if (lower === 'upstream' || lower === 'downstream') return lower;
  throw new InvalidStreamError();
}

/**
 * `current` with the attributes in `input` merged in, checked as Go decodes them into the
 * kind's struct (integers only; unknown names and nulls ignored).
 *
 * @throws {@link BadRequestBodyError} for a value that is not an integer, or attributes that are not an object
 */
export function mergeAttributes(kind: ToxicKind, current: ToxicAttributes, input: ToxicAttributesInput | GoJsonValue | undefined): ToxicAttributes {
  if (input === undefined) return current;
  const value: GoJsonValue = isPlainRecord(input) ? GoJsonObject.from(input) : (input as GoJsonValue);
  const decoded = decodeStruct(value, { ...kind.attributes, structName: '' }, 'attributes');
  if (decoded.error !== undefined) throw new BadRequestBodyError(decoded.error);
  const merged: Record<string, number> = { ...current };
  for (const [name, field] of decoded.fields) merged[name] = field as number;
  return merged;
}

/** A plain object of attributes (not a decoded JSON value). */
function isPlainRecord(input: unknown): input is Readonly<Record<string, unknown>> {
  return typeof input === 'object' && input !== null && !Array.isArray(input) && !(input instanceof GoJsonObject) && !(input instanceof GoJsonNumber);
}

/** Every attribute of `kind` at 0. */
export function zeroAttributes(kind: ToxicKind): ToxicAttributes {
  return Object.fromEntries(Object.keys(kind.attributes.fields).map((name) => [name, 0]));
}

/**
 * A toxicity as Toxiproxy stores it (float32). Not range-checked: 2.5 always applies, −1 never.
 *
 * @throws {@link BadRequestBodyError} for a value a float32 cannot hold
 */
export function checkToxicity(toxicity: number): number {
  const single = Math.fround(toxicity);
  if (!Number.isFinite(single)) throw new BadRequestBodyError(`json: cannot unmarshal number ${toxicity} into Go struct field ToxicWrapper.toxicity of type float32`);
  return single;
}
