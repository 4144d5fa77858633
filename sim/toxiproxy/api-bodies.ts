/**
 * The request bodies of Toxiproxy's API, read as its Go handlers read them: the first JSON
 * value only, members matched case-insensitively, unknown ones ignored, `null` meaning "not
 * given", and a syntax or type error answered `400 bad request body: <Go's message>`.
 */
import { decodeFirstJsonValue, GoJsonObject, GoJsonSyntaxError } from './go-json-decode.js';
import type { GoJsonValue } from './go-json-decode.js';
import { decodeStruct } from './go-struct-fields.js';
import type { GoStructSpec } from './go-struct-fields.js';
import { toxicKind } from './toxic-kinds.js';
import type { ToxicChanges, ToxicInput } from './toxic-definition.js';
import { BadRequestBodyError } from './toxiproxy-errors.js';
import type { ProxyChanges, ProxyInput } from './toxiproxy-state.js';

const PROXY: GoStructSpec = {
  typeName: 'toxiproxy.Proxy',
  structName: 'Proxy',
  fields: { name: 'string', listen: 'string', upstream: 'string', enabled: 'bool' },
};

const POPULATE_ENTRY: GoStructSpec = { ...PROXY, typeName: 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }', structName: '' };

const TOXIC: GoStructSpec = {
  typeName: 'toxics.ToxicWrapper',
  structName: 'ToxicWrapper',
  fields: { attributes: 'object', name: 'string', type: 'string', stream: 'string', toxicity: 'float32' },
  objectTypes: { attributes: 'toxics.NoopToxic' },
};

/** A body as JSON, or `bad request body: <Go's message>`. */
function readJson(body: string): GoJsonValue {
  try {
    return decodeFirstJsonValue(body);
  } catch (error) {
    if (error instanceof GoJsonSyntaxError) throw new BadRequestBodyError(error.message);
    throw error;
  }
}

/** Decodes `body` into `spec`'s fields; a member of the wrong type is a 400. */
function readStruct(body: string, spec: GoStructSpec): ReadonlyMap<string, unknown> {
  const decoded = decodeStruct(readJson(body), spec);
  if (decoded.error !== undefined) throw new BadRequestBodyError(decoded.error);
  return decoded.fields;
}

/** `POST /proxies`: name, listen, upstream, enabled (default true). */
export function proxyCreateBody(body: string): ProxyInput {
  const fields = readStruct(body, PROXY);
  return {
    name: (fields.get('name') as string | undefined) ?? '',
    listen: (fields.get('listen') as string | undefined) ?? '',
    upstream: (fields.get('upstream') as string | undefined) ?? '',
    enabled: (fields.get('enabled') as boolean | undefined) ?? true,
  };
}

/** `PATCH` (or `POST`) `/proxies/{proxy}`: any of listen, upstream, enabled; `name` is ignored. */
export function proxyUpdateBody(body: string): ProxyChanges {
  const fields = readStruct(body, PROXY);
  return {
    listen: fields.get('listen') as string | undefined,
    upstream: fields.get('upstream') as string | undefined,
    enabled: fields.get('enabled') as boolean | undefined,
  };
}

/** `POST /populate`: a JSON array of proxies; `enabled` defaults to true per entry. */
export function populateBody(body: string): ProxyInput[] {
  const value = readJson(body);
  if (value === null) return [];
  if (!Array.isArray(value)) throw new BadRequestBodyError(`json: cannot unmarshal ${value instanceof GoJsonObject ? 'object' : typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : 'number'} into Go value of type []${POPULATE_ENTRY.typeName}`);
  let error: string | undefined;
  const inputs = value.map((item) => {
    const decoded = decodeStruct(item, POPULATE_ENTRY);
    error ??= decoded.error;
    const fields = decoded.fields;
    return {
      name: (fields.get('name') as string | undefined) ?? '',
      listen: (fields.get('listen') as string | undefined) ?? '',
      upstream: (fields.get('upstream') as string | undefined) ?? '',
      enabled: (fields.get('enabled') as boolean | undefined) ?? true,
    };
  });
  if (error !== undefined) throw new BadRequestBodyError(error);
  return inputs;
}

/** `POST /proxies/{proxy}/toxics`: name, type, stream, toxicity, attributes (checked against the kind later, after the name). */
export function toxicCreateBody(body: string): ToxicInput {
  const fields = readStruct(body, TOXIC);
  return {
    name: fields.get('name') as string | undefined,
    type: (fields.get('type') as string | undefined) ?? '',
    stream: fields.get('stream') as string | undefined,
    toxicity: fields.get('toxicity') as number | undefined,
    attributes: fields.get('attributes') as GoJsonObject | undefined,
  };
}

/** `PATCH` (or `POST`) `/proxies/{proxy}/toxics/{toxic}` for a toxic of `type`: attributes to merge, toxicity. */
export function toxicUpdateBody(body: string, type: string): ToxicChanges {
  const kind = toxicKind(type);
  const spec: GoStructSpec = {
    typeName: '',
    structName: '',
    fields: { attributes: 'object', toxicity: 'float32' },
    objectTypes: { attributes: kind?.attributes.typeName ?? 'toxics.NoopToxic' },
  };
  const fields = readStruct(body, spec);
  return { attributes: fields.get('attributes') as GoJsonObject | undefined, toxicity: fields.get('toxicity') as number | undefined };
}
