import { describe, expect, it } from 'vitest';
import { alignColumns } from '../../reports/text-table.js';

describe('alignColumns', () => {
  it('pads left-aligned columns at the end and right-aligned ones at the start', () => {
    expect(
      alignColumns(
        [
          ['name', 'n', 'note'],
          ['checkout', '12,000', 'a'],
          ['db', '7', ''],
        ],
        ['left', 'right', 'left'],
      ),
    ).toEqual(['name           n  note', 'checkout  12,000  a', 'db             7']);
  });

  it('returns no lines for no rows', () => {
    expect(alignColumns([], ['left'])).toEqual([]);
  });
});
