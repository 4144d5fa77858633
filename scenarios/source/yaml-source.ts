/** A parsed YAML document together with what is needed to point into its text. */
import type { Document, LineCounter } from 'yaml';
import type { LocatedIssue } from '../scenario-error.js';

/** The text of a scenario file, its YAML document, and the line index of the text. */
export interface YamlSource {
  readonly text: string;
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
}

/** An issue at a character offset of the source, given its 1-based line and column. */
export function issueAt<C extends string>(source: YamlSource, offset: number, issue: Omit<LocatedIssue<C>, 'file' | 'line' | 'column'>): LocatedIssue<C> {
  const { line, col } = source.lines.linePos(offset);
  return { ...issue, file: source.file, line: Math.max(1, line), column: Math.max(1, col) };
}
