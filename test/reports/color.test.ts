import { describe, expect, it } from 'vitest';
import { painter, shouldUseColor, stripAnsi } from '../../reports/color.js';

describe('shouldUseColor', () => {
  it('follows the stream when neither variable is set', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({}, {})).toBe(false);
  });

  it('never colours when NO_COLOR is set and non-empty, whatever FORCE_COLOR says', () => {
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });

  it('ignores an empty NO_COLOR', () => {
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });

  it('colours when FORCE_COLOR is set and not 0, even off a TTY', () => {
    expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
  });
});

describe('painter', () => {
  it('wraps text in SGR codes when colour is on', () => {
    expect(painter(true)('red', 'x')).toBe('\x1b[31mx\x1b[39m');
    expect(painter(true)('green', 'x')).toBe('\x1b[32mx\x1b[39m');
    expect(painter(true)('dim', 'x')).toBe('\x1b[2mx\x1b[22m');
  });

  it('returns text unchanged when colour is off', () => {
    expect(painter(false)('red', 'x')).toBe('x');
  });
});

describe('stripAnsi', () => {
  it('removes escape sequences and keeps the text', () => {
    expect(stripAnsi('\x1b[1;31mred\x1b[0m and \x1b[2mdim\x1b[22m')).toBe('red and dim');
  });
});
