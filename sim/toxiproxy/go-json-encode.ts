/**
 * Writing JSON as Toxiproxy's Go `encoding/json` does, where clients could tell the
 * difference: `<`, `>`, `&`, U+2028 and U+2029 inside strings are escaped (`\u003c`…), and a
 * float32 (a toxic's `toxicity`) prints as the shortest decimal that reads back to the same
 * float32, so 0.1 stays `0.1` rather than `0.10000000149011612`.
 */

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

/** A string as a JSON string literal, escaped as Go escapes it. */
export function goQuote(text: string): string {
  return JSON.stringify(text).replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The float32 nearest `value`, as Go's encoding/json prints a float32: the shortest decimal
 * that rounds to the same float32, in plain notation from 1e-6 up to 1e21 and in exponent
 * notation (`1e-7`, `1e+21`) outside, which is also where JavaScript switches.
 */
export function float32Text(value: number): string {
  const single = Math.fround(value);
  if (single === 0) return '0';
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(single.toPrecision(digits));
    if (Math.fround(candidate) === single) return String(candidate);
  }
  return String(single);
}

/** The number {@link float32Text} prints, as a JavaScript number (0.1 for a toxicity of 0.1, not its float32 value). */
export function float32Value(value: number): number {
  return Number(float32Text(value));
}
