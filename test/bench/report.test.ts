// Markdown tables and number formatting of the suites' output.

import { markdownTable, percent, sig, timestamp } from '../../bench/report.js';

describe('markdownTable', () => {
  it('right-aligns numeric columns, escapes pipes and prints missing cells as —', () => {
    expect(markdownTable(['engine', 'ms'], [['a|b', 1.5], ['c', undefined]])).toBe(['| engine | ms |', '|---|---:|', '| a\\|b | 1.5 |', '| c | — |'].join('\n'));
  });
});

describe('sig', () => {
  it('keeps the significant digits asked for, without exponents', () => {
    expect(sig(1234.567, 3)).toBe(1235);
    expect(sig(0.0012345, 3)).toBe(0.00123);
    expect(sig(12.345, 3)).toBe(12.3);
    expect(sig(0)).toBe(0);
    expect(sig(undefined)).toBeUndefined();
    expect(sig(Number.NaN)).toBeUndefined();
  });
});

describe('percent and timestamp', () => {
  it('formats fractions and file-name-safe dates', () => {
    expect(percent(0.456)).toBe('46%');
    expect(percent(0.0123)).toBe('1.2%');
    expect(timestamp(new Date(Date.UTC(2025, 0, 31, 14, 5, 9, 123)))).toBe('2025-01-31T14-05-09Z');
  });
});
