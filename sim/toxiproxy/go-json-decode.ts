/**
 * Reading a request body as Toxiproxy does, with Go's `encoding/json` Decoder: only the first
 * JSON value is read (anything after it is ignored), an empty body is the error `EOF`, a cut
 * one `unexpected EOF`, and a malformed one gets Go's own wording (`invalid character 'b'
 * looking for beginning of object key string`). Numbers keep their literal text, because Go
 * refuses `1e3` or `1.0` for an integer field where `JSON.parse` would hand back 1000 or 1.
 */

/** A JSON number as written in the body, e.g. `100`, `-1.5`, `1e3`. */
export class GoJsonNumber {
  constructor(readonly raw: string) {}
}

/** A JSON object with its members in the order written, duplicates included (Go applies them in order: the last wins). */
export class GoJsonObject {
  constructor(readonly entries: ReadonlyArray<readonly [string, GoJsonValue]>) {}

  /** A plain object of numbers and strings as the decoder would have read it (numbers written as JavaScript prints them). */
  static from(plain: Readonly<Record<string, unknown>>): GoJsonObject {
    return new GoJsonObject(Object.entries(plain).map(([key, value]) => [key, fromPlain(value)] as const));
  }
}

/** A decoded JSON value. */
export type GoJsonValue = null | boolean | string | GoJsonNumber | GoJsonValue[] | GoJsonObject;

/** A body that is not JSON, with the message Go's decoder gives (`EOF`, `unexpected EOF`, `invalid character …`). */
export class GoJsonSyntaxError extends Error {
  /** Stable code. */
  readonly code = 'FL_TOXIPROXY_JSON_SYNTAX';
  override readonly name = 'GoJsonSyntaxError';
}

/** Go's limit on nesting (encoding/json `maxNestingDepth`). */
const MAX_NESTING_DEPTH = 10_000;

/**
 * The first JSON value of `text`, as Go's `json.NewDecoder(body).Decode` reads it.
 *
 * @throws {@link GoJsonSyntaxError} with Go's message when there is no complete, well-formed first value
 */
export function decodeFirstJsonValue(text: string): GoJsonValue {
  const reader = new Reader(text);
  reader.skipSpace();
  if (reader.atEnd()) throw new GoJsonSyntaxError('EOF');
  return reader.value(0);
}

/** A plain JavaScript value as the decoder would have produced it from its JSON text. */
function fromPlain(value: unknown): GoJsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return new GoJsonNumber(String(value));
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (value instanceof GoJsonObject || value instanceof GoJsonNumber) return value;
  if (typeof value === 'object') return GoJsonObject.from(value as Record<string, unknown>);
  return String(value);
}

class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.at >= this.text.length;
  }

  skipSpace(): void {
    while (this.at < this.text.length) {
      const c = this.text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.at++;
    }
  }

  value(depth: number): GoJsonValue {
    const c = this.peek();
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    throw invalid(c, 'looking for beginning of value');
  }

  private object(depth: number): GoJsonObject {
    if (depth > MAX_NESTING_DEPTH) throw new GoJsonSyntaxError('exceeded max depth');
    this.at++;
    const entries: [string, GoJsonValue][] = [];
    this.skipSpace();
    if (this.peek() === '}') {
      this.at++;
      return new GoJsonObject(entries);
    }
    for (;;) {
      this.skipSpace();
      const c = this.peek();
      if (c !== '"') throw invalid(c, 'looking for beginning of object key string');
      const key = this.string();
      this.skipSpace();
      const colon = this.peek();
      if (colon !== ':') throw invalid(colon, 'after object key');
      this.at++;
      this.skipSpace();
      entries.push([key, this.value(depth)]);
      this.skipSpace();
      const next = this.peek();
      this.at++;
      if (next === '}') return new GoJsonObject(entries);
      if (next !== ',') throw invalid(next, 'after object key:value pair');
    }
  }

  private array(depth: number): GoJsonValue[] {
    if (depth > MAX_NESTING_DEPTH) throw new GoJsonSyntaxError('exceeded max depth');
    this.at++;
    const items: GoJsonValue[] = [];
    this.skipSpace();
    if (this.peek() === ']') {
      this.at++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value(depth));
      this.skipSpace();
      const next = this.peek();
      this.at++;
      if (next === ']') return items;
      if (next !== ',') throw invalid(next, 'after array element');
    }
  }

  private string(): string {
    this.at++;
    let out = '';
    let start = this.at;
    for (;;) {
      if (this.atEnd()) throw new GoJsonSyntaxError('unexpected EOF');
      const code = this.text.charCodeAt(this.at);
      if (code === 0x22) {
        out += this.text.slice(start, this.at);
        this.at++;
        return out;
      }
      if (code < 0x20) throw invalid(this.text[this.at], 'in string literal');
      if (code !== 0x5c) {
        this.at++;
        continue;
      }
      out += this.text.slice(start, this.at);
      this.at++;
      out += this.escape();
      start = this.at;
    }
  }

  private escape(): string {
    if (this.atEnd()) throw new GoJsonSyntaxError('unexpected EOF');
    const c = this.text[this.at++];
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (c in simple) return simple[c];
    if (c !== 'u') throw invalid(c, 'in string escape code');
    for (let i = 0; i < 4; i++) {
      if (this.atEnd()) throw new GoJsonSyntaxError('unexpected EOF');
      const h = this.text[this.at + i];
      if (!/[0-9a-fA-F]/.test(h)) throw invalid(h, 'in \\u hexadecimal character escape');
    }
    const unit = parseInt(this.text.slice(this.at, this.at + 4), 16);
    this.at += 4;
    return String.fromCharCode(unit);
  }

  /** Go's number grammar; at the top level a number may end at the end of the body. */
  private number(): GoJsonNumber {
    const start = this.at;
    if (this.text[this.at] === '-') {
      this.at++;
      const d = this.peek();
      if (!(d >= '0' && d <= '9')) throw invalid(d, 'in numeric literal');
    }
    if (this.text[this.at] === '0') this.at++;
    else this.digits();
    if (this.text[this.at] === '.') {
      this.at++;
      const d = this.peek();
      if (!(d >= '0' && d <= '9')) throw invalid(d, 'after decimal point in numeric literal');
      this.digits();
    }
    if (this.text[this.at] === 'e' || this.text[this.at] === 'E') {
      this.at++;
      if (this.text[this.at] === '+' || this.text[this.at] === '-') this.at++;
      const d = this.peek();
      if (!(d >= '0' && d <= '9')) throw invalid(d, 'in exponent of numeric literal');
      this.digits();
    }
    return new GoJsonNumber(this.text.slice(start, this.at));
  }

  private digits(): void {
    while (this.at < this.text.length && this.text[this.at] >= '0' && this.text[this.at] <= '9') this.at++;
  }

  private literal<T>(word: string, value: T): T {
    for (let i = 1; i < word.length; i++) {
      if (this.at + i >= this.text.length) throw new GoJsonSyntaxError('unexpected EOF');
      const c = this.text[this.at + i];
      if (c !== word[i]) throw invalid(c, `in literal ${word} (expecting '${word[i]}')`);
    }
    this.at += word.length;
    return value;
  }

  /** The next character, or `unexpected EOF` when the body ends inside a value. */
  private peek(): string {
    if (this.atEnd()) throw new GoJsonSyntaxError('unexpected EOF');
    return this.text[this.at];
  }
}

/** Go's `invalid character 'x' <context>`, the character quoted as Go's scanner quotes it. */
function invalid(c: string, context: string): GoJsonSyntaxError {
  return new GoJsonSyntaxError(`invalid character ${quoteChar(c)} ${context}`);
}

function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const quoted = JSON.stringify(c);
  return `'${quoted.slice(1, -1)}'`;
}
