/** How a scenario issue reads in an error message: a located line and a code frame. */
import type { LocatedIssue } from './scenario-error.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const FRAME_WIDTH = 100;

/** A key path as written in messages: `services.checkout.calls[0].to`, `thresholds["latency{service:a}"]`. */
export function formatPath(path: readonly (string | number)[]): string {
  return path
    .map((key, i) => {
      if (typeof key === 'number') return `[${key}]`;
      if (IDENTIFIER.test(key)) return i === 0 ? key : `.${key}`;
      return `[${JSON.stringify(key)}]`;
    })
    .join('');
}

/**
 * The issues, one after another: each as `file:line:column: path: message (expected X,
 * found Y) — did you mean "s"?` (no path for the top level), then, when the source is given, the offending line with a
 * caret under the column.
 */
export function formatIssues(issues: readonly LocatedIssue[], source?: string): string {
  const lines = source?.split('\n');
  return issues.map((issue) => formatIssue(issue, lines)).join('\n');
}

function formatIssue(issue: LocatedIssue, lines: readonly string[] | undefined): string {
  const details = [issue.expected && `expected ${issue.expected}`, issue.found && `found ${issue.found}`].filter(Boolean);
  const head =
    `${issue.file}:${issue.line}:${issue.column}: ${issue.path.length > 0 ? `${formatPath(issue.path)}: ` : ''}${issue.message}` +
    (details.length ? ` (${details.join(', ')})` : '') +
    (issue.suggestion === undefined ? '' : ` — did you mean ${JSON.stringify(issue.suggestion)}?`);
  return lines === undefined ? head : `${head}\n${codeFrame(lines[issue.line - 1] ?? '', issue.line, issue.column)}`;
}

/** The source line (a window of it when long) with a caret under the column. */
function codeFrame(lineText: string, line: number, column: number): string {
  const text = lineText.replace(/\r$/, '');
  const start = Math.max(0, Math.min(column - 1 - FRAME_WIDTH / 2, text.length - FRAME_WIDTH));
  const shown = text.slice(start, start + FRAME_WIDTH);
  const gutter = `${line} | `;
  const pad = shown.slice(0, column - 1 - start).replace(/[^\t]/g, ' ');
  return `${gutter}${shown}\n${' '.repeat(gutter.length - 2)}| ${pad}^`;
}
