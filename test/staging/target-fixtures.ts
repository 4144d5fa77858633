/** Shared fixtures of the staging tests: a valid target file's text, line edits, and catching a TargetFileError. */
import { expect } from 'vitest';
import { formatIssues } from '../../scenarios/format-issue.js';
import { parseTargetFile } from '../../sim/staging/load-target-file.js';
import type { LoadedTarget } from '../../sim/staging/load-target-file.js';
import { TargetFileError } from '../../sim/staging/target-file-error.js';
import type { TargetIssue } from '../../sim/staging/target-file-error.js';

/** A valid target file for a shop whose frontend is HTTP and whose payments service is gRPC. */
export const TARGET = `version: 1
target: shop-staging
allowHosts:
  - "*.staging.example.internal"
  - 127.0.0.1
  - "::1"
maxDuration: 30m
services:
  frontend: { url: "http://frontend.staging.example.internal:8080" }
  payments: { grpc: "payments.staging.example.internal:9090" }
toxiproxy:
  - api: "http://toxiproxy-a.staging.example.internal:8474"
    proxies:
      payments: payments
      "checkout->inventory": inventory-from-checkout
l7Faults: headers
`;

/** {@link TARGET} with its 1-based line `line` replaced by `text` (which may hold several lines, or none). */
export function withLine(line: number, text: string, base = TARGET): string {
  const lines = base.split('\n');
  lines.splice(line - 1, 1, ...(text === '' ? [] : [text]));
  return lines.join('\n');
}

/** The TargetFileError that parsing `text` throws; fails the test when it throws anything else or nothing. */
export function targetErrorOf(text: string, file = 'target.yaml'): TargetFileError {
  try {
    parseTargetFile(text, file);
  } catch (error) {
    expect(error, String(error)).toBeInstanceOf(TargetFileError);
    return error as TargetFileError;
  }
  throw new Error('expected a TargetFileError, but the target parsed');
}

/** Each issue as the first line of its message: `file:line:column: path: message (expected …, found …) — did you mean "…"?`. */
export function heads(issues: readonly TargetIssue[]): string[] {
  return issues.map((issue) => formatIssues([issue]));
}

/** The target of `text`, parsed. */
export function targetOf(text: string = TARGET): LoadedTarget {
  return parseTargetFile(text, 'target.yaml');
}
