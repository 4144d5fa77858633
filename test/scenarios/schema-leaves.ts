/**
 * The numeric, duration and rate fields of the published JSON Schema, found by walking the
 * schema itself (so a field added to the format is found without editing a list), and where
 * each can be set in an example scenario.
 */
import { DURATION_PATTERN, RATE_PATTERN } from '../../scenarios/units.js';

/** What a field holds: a JSON number, an integer, a duration string or a rate string. */
export type LeafKind = 'number' | 'integer' | 'duration' | 'rate';

/** A JSON Schema node, as far as the walk reads it. */
export interface SchemaNode {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  pattern?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  prefixItems?: SchemaNode[];
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
}

type Key = string | number;

/** One place to set a field in the example: its key path, after replacing some values (to select a union option). */
export interface Placement {
  /** JSON pointer of the field in the schema: its identity. */
  pointer: string;
  kind: LeafKind;
  /** Key path of the field in the example scenario. */
  path: Key[];
  /** Values to put in place first, e.g. a distribution of another type at the field's parent. */
  setup: { path: Key[]; value: unknown }[];
}

/** The kind of a schema node that is a numeric, duration or rate field; undefined for anything else (constants included). */
export function leafKind(node: SchemaNode): LeafKind | undefined {
  if (node.const !== undefined || node.enum !== undefined) return undefined;
  if (node.type === 'number' || node.type === 'integer') return node.type;
  if (node.type === 'string' && node.pattern === DURATION_PATTERN.source) return 'duration';
  if (node.type === 'string' && node.pattern === RATE_PATTERN.source) return 'rate';
  return undefined;
}

/** The JSON pointer of every numeric, duration and rate field in the schema. */
export function leafPointers(node: SchemaNode, pointer = ''): string[] {
  if (leafKind(node) !== undefined) return [pointer];
  return children(node).flatMap(([child, suffix]) => leafPointers(child, `${pointer}/${suffix}`));
}

function children(node: SchemaNode): [SchemaNode, string][] {
  const out: [SchemaNode, string][] = [];
  for (const [key, child] of Object.entries(node.properties ?? {})) out.push([child, `properties/${key}`]);
  if (typeof node.additionalProperties === 'object') out.push([node.additionalProperties, 'additionalProperties']);
  if (node.items) out.push([node.items, 'items']);
  node.prefixItems?.forEach((child, i) => out.push([child, `prefixItems/${i}`]));
  node.anyOf?.forEach((child, i) => out.push([child, `anyOf/${i}`]));
  node.oneOf?.forEach((child, i) => out.push([child, `oneOf/${i}`]));
  return out;
}

/**
 * Where each field of the schema can be set in `example`: the first place the example has
 * its parent. A union option the example does not use at that place is put there from
 * another place of the example that uses it (options are matched by their schema), so one
 * example of each distribution type, budget type, fault kind… is enough.
 */
export function placements(schema: SchemaNode, example: unknown): Placement[] {
  const exemplars = new Map<string, unknown>();
  const found = new Map<string, Placement>();
  const walk = (collect: boolean) =>
    visit(schema, example, { pointer: '', path: [], setup: [] }, (option, value) => {
      if (collect && value !== undefined && !exemplars.has(JSON.stringify(option))) exemplars.set(JSON.stringify(option), value);
      return exemplars.get(JSON.stringify(option));
    }, (placement) => {
      if (!collect && !found.has(placement.pointer)) found.set(placement.pointer, placement);
    });
  walk(true);
  walk(false);
  return [...found.values()];
}

interface At {
  pointer: string;
  path: Key[];
  setup: Placement['setup'];
}

type Exemplar = (option: SchemaNode, value: unknown) => unknown;

function visit(node: SchemaNode, value: unknown, at: At, exemplar: Exemplar, emit: (p: Placement) => void): void {
  const kind = leafKind(node);
  if (kind !== undefined) return emit({ ...at, kind });
  const options = node.anyOf ?? node.oneOf;
  if (options) {
    const word = node.anyOf ? 'anyOf' : 'oneOf';
    options.forEach((option, i) => {
      const here = { ...at, pointer: `${at.pointer}/${word}/${i}` };
      if (matches(option, value)) {
        exemplar(option, value);
        visit(option, value, here, exemplar, emit);
      } else if (value !== undefined) {
        const other = exemplar(option, undefined);
        if (other !== undefined) visit(option, other, { ...here, setup: [...at.setup, { path: at.path, value: other }] }, exemplar, emit);
        else if (leafKind(option) !== undefined) visit(option, undefined, here, exemplar, emit);
      }
    });
    return;
  }
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      visit(child, value[key], { ...at, pointer: `${at.pointer}/properties/${key}`, path: [...at.path, key] }, exemplar, emit);
    }
    if (typeof node.additionalProperties === 'object') {
      for (const key of Object.keys(value)) {
        if (node.properties && Object.hasOwn(node.properties, key)) continue;
        visit(node.additionalProperties, value[key], { ...at, pointer: `${at.pointer}/additionalProperties`, path: [...at.path, key] }, exemplar, emit);
      }
    }
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const child = node.prefixItems?.[i] ?? node.items;
      const suffix = node.prefixItems?.[i] ? `prefixItems/${i}` : 'items';
      if (child) visit(child, item, { ...at, pointer: `${at.pointer}/${suffix}`, path: [...at.path, i] }, exemplar, emit);
    });
  }
}

/** Whether `value` is of the option's shape: its discriminator constant when it has one, else its JSON type. */
function matches(option: SchemaNode, value: unknown): boolean {
  if (value === undefined) return false;
  const options = option.anyOf ?? option.oneOf;
  if (options) return options.some((inner) => matches(inner, value));
  const tag = Object.entries(option.properties ?? {}).find(([, p]) => p.const !== undefined);
  if (tag) return isRecord(value) && value[tag[0]] === tag[1].const;
  if (option.type === 'object') return isRecord(value);
  if (option.type === 'array') return Array.isArray(value);
  if (option.type === 'string') return typeof value === 'string';
  if (option.type === 'number' || option.type === 'integer') return typeof value === 'number';
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
