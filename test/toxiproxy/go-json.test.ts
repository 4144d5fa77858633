/**
 * Reading and writing JSON as Toxiproxy's Go does: the decoder's messages for bad bodies,
 * number literals kept as written (Go refuses `1e3` for an integer), and float32 toxicities
 * printed as their shortest decimal.
 */
import { describe, expect, it } from 'vitest';
import { decodeFirstJsonValue, GoJsonNumber, GoJsonObject } from '../../sim/toxiproxy/go-json-decode.js';
import { float32Text, goQuote } from '../../sim/toxiproxy/go-json-encode.js';
import { decodeStruct } from '../../sim/toxiproxy/go-struct-fields.js';

const message = (text: string): string => {
  try {
    decodeFirstJsonValue(text);
    return 'no error';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('decodeFirstJsonValue', () => {
  it("gives Go's messages", () => {
    expect(message('')).toBe('EOF');
    expect(message('  \n')).toBe('EOF');
    expect(message('{"a": 1')).toBe('unexpected EOF');
    expect(message('{bad}')).toBe("invalid character 'b' looking for beginning of object key string");
    expect(message('}')).toBe("invalid character '}' looking for beginning of value");
    expect(message('{"a" 1}')).toBe("invalid character '1' after object key");
    expect(message('{"a": 1 "b"}')).toBe('invalid character \'"\' after object key:value pair');
    expect(message('[1 2]')).toBe("invalid character '2' after array element");
    expect(message('tru')).toBe('unexpected EOF');
    expect(message('trux')).toBe("invalid character 'x' in literal true (expecting 'e')");
    expect(message('-x')).toBe("invalid character 'x' in numeric literal");
    expect(message('1.x')).toBe("invalid character 'x' after decimal point in numeric literal");
    expect(message('"a\nb"')).toBe("invalid character '\\n' in string literal");
    expect(message('"\\q"')).toBe("invalid character 'q' in string escape code");
  });

  it('reads only the first value, keeps number literals and members in order', () => {
    const value = decodeFirstJsonValue('{"a": 1e3, "a": -0.5, "s": "\\u00e9\\n"} {"ignored": true}') as GoJsonObject;
    expect(value.entries.map(([key, v]) => [key, v instanceof GoJsonNumber ? v.raw : v])).toEqual([
      ['a', '1e3'],
      ['a', '-0.5'],
      ['s', 'é\n'],
    ]);
    expect(decodeFirstJsonValue('01')).toEqual(new GoJsonNumber('0'));
  });
});

describe('decodeStruct', () => {
  const spec = { typeName: 'toxics.LatencyToxic', structName: '', fields: { latency: 'int64', jitter: 'int64' } } as const;
  it('matches members case-insensitively, the last duplicate winning, nulls and unknown members ignored', () => {
    const decoded = decodeStruct(decodeFirstJsonValue('{"LATENCY": 1, "latency": 2, "jitter": null, "other": "x"}'), spec, 'attributes');
    expect([...decoded.fields]).toEqual([['latency', 2]]);
    expect(decoded.error).toBeUndefined();
  });

  it('refuses integers written as fractions or exponents, and values beyond int64, as Go does', () => {
    for (const raw of ['1.5', '1e3', '100.0', '9223372036854775808']) {
      expect(decodeStruct(decodeFirstJsonValue(`{"latency": ${raw}}`), spec, 'attributes').error).toBe(`json: cannot unmarshal number ${raw} into Go struct field .attributes.latency of type int64`);
    }
    expect(decodeStruct(decodeFirstJsonValue('{"latency": "5"}'), spec, 'attributes').error).toBe('json: cannot unmarshal string into Go struct field .attributes.latency of type int64');
    expect(decodeStruct(decodeFirstJsonValue('5'), spec, 'attributes').error).toBe('json: cannot unmarshal number into Go struct field .attributes of type toxics.LatencyToxic');
  });
});

describe('writing', () => {
  it('prints a float32 as its shortest decimal', () => {
    expect(float32Text(0.1)).toBe('0.1');
    expect(float32Text(1)).toBe('1');
    expect(float32Text(2.5)).toBe('2.5');
    expect(float32Text(1 / 3)).toBe('0.33333334');
    expect(float32Text(1e-7)).toBe('1e-7');
  });

  it('escapes <, > and & in strings as Go does', () => {
    expect(goQuote('a<b>&c')).toBe('"a\\u003cb\\u003e\\u0026c"');
  });
});
