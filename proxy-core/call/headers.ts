/**
 * Request or response headers as the core reads them: names in lower case, each with one
 * value or several (a multi-value header, as undici and node:http2 hand them over).
 */
export type Headers = Readonly<Record<string, string | readonly string[]>>;

/** Headers with nothing in them, shared. */
export const NO_HEADERS: Headers = Object.freeze({});

/**
 * The value of header `name` (lower case) as one string, or `undefined` when absent. Several
 * values are joined with `,` as RFC 9110 §5.3 allows and Envoy's header matchers read them.
 * Allocates only for a multi-value header.
 */
export function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined || typeof value === 'string') return value;
  return value.join(',');
}
