/** Column alignment for plain-text tables. */

/** How a column is aligned: numbers right, names left. */
export type Align = 'left' | 'right';

const COLUMN_GAP = '  ';

/**
 * Pads every cell to its column's widest cell and joins each row into a line, without
 * trailing spaces.
 *
 * @param rows - cells of plain text (no escape codes), each row as long as `align`
 */
export function alignColumns(rows: readonly (readonly string[])[], align: readonly Align[]): string[] {
  const widths = align.map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const pad = (cell: string, column: number) =>
    align[column] === 'right' ? cell.padStart(widths[column]) : cell.padEnd(widths[column]);
  return rows.map((row) => row.map(pad).join(COLUMN_GAP).trimEnd());
}

/** Cuts `line` to `width` columns, ending it with `…` when cut; no limit when `width` is undefined. */
export function fitWidth(line: string, width: number | undefined): string {
  return width === undefined || line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
}
