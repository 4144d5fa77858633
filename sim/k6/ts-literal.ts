/**
 * Values written as TypeScript source: object literals with plain keys where they are
 * identifiers, strings and numbers through JSON (so no text from a scenario can end a
 * string or a comment early), and {@link Code} for an expression written as it is.
 */

/** An expression to write as it is, e.g. `'Bearer ' + TOKEN_GOLD`; only the generator makes these. */
export class Code {
  constructor(readonly text: string) {}
}

/** A value {@link tsLiteral} writes. */
export type Literal = string | number | boolean | null | Code | readonly Literal[] | { readonly [key: string]: Literal };

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Longest list or mapping of plain values written on one line. */
const FLAT_WIDTH = 80;

/**
 * `value` as TypeScript source, indented by `indent` spaces after its first line; a short list
 * or mapping of plain values on one line.
 *
 * @throws RangeError for a number that is not finite (JSON has none)
 */
export function tsLiteral(value: Literal, indent = 0): string {
  if (value instanceof Code) return value.text;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} as a literal`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const inner = ' '.repeat(indent + 2);
  const close = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = value.every(isPlain) ? `[${value.map((item) => tsLiteral(item)).join(', ')}]` : undefined;
    if (flat !== undefined && flat.length <= FLAT_WIDTH) return flat;
    return `[\n${value.map((item) => `${inner}${tsLiteral(item, indent + 2)},`).join('\n')}\n${close}]`;
  }
  const entries = Object.entries(value as { readonly [key: string]: Literal });
  if (entries.length === 0) return '{}';
  const key = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name));
  if (entries.every(([, item]) => isPlain(item))) {
    const flat = `{ ${entries.map(([name, item]) => `${key(name)}: ${tsLiteral(item)}`).join(', ')} }`;
    if (flat.length <= FLAT_WIDTH) return flat;
  }
  return `{\n${entries.map(([name, item]) => `${inner}${key(name)}: ${tsLiteral(item, indent + 2)},`).join('\n')}\n${close}}`;
}

/** A value written on one line whatever it is: not a list or a mapping. */
function isPlain(value: Literal): boolean {
  return value === null || typeof value !== 'object' || value instanceof Code;
}

/** Text for a comment, `//` or `/** … *\/`: line breaks (which would end the one) become spaces, `*\/` (which would end the other) `*\\/`. */
export function commentText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/\*\//g, '*\\/');
}
