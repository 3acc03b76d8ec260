import { AddedTokenMatcher, TEXT_SEGMENT } from '../../tokenizer/specialTokens.js';
import type { AddedToken } from '../../tokenizer/specialTokens.js';

const token = (content: string, id: number, strip: Partial<Pick<AddedToken, 'lstrip' | 'rstrip'>> = {}): AddedToken => ({
  content,
  id,
  special: true,
  lstrip: strip.lstrip ?? false,
  rstrip: strip.rstrip ?? false,
});

function split(matcher: AddedTokenMatcher, text: string): Array<[string | number, string]> {
  const out: number[] = [];
  matcher.split(text, out);
  const segments: Array<[string | number, string]> = [];
  for (let i = 0; i < out.length; i += 3) segments.push([out[i] === TEXT_SEGMENT ? 'text' : out[i]!, text.slice(out[i + 1], out[i + 2])]);
  return segments;
}

describe('AddedTokenMatcher', () => {
  it('takes the earliest match, then the longest', () => {
    const matcher = new AddedTokenMatcher([token('<a>', 1), token('<a><b>', 2), token('a><b', 3)]);
    expect(split(matcher, 'q<a><b>r<a>')).toEqual([['text', 'q'], [2, '<a><b>'], ['text', 'r'], [1, '<a>']]);
    expect(split(matcher, 'no tokens here')).toEqual([['text', 'no tokens here']]);
  });

  it('strips White_Space on the requested side only', () => {
    const matcher = new AddedTokenMatcher([token('<l>', 1, { lstrip: true }), token('<r>', 2, { rstrip: true })]);
    expect(split(matcher, 'x \u3000\t<l> y')).toEqual([['text', 'x'], [1, '<l>'], ['text', ' y']]);
    expect(split(matcher, 'x <r> \n y')).toEqual([['text', 'x '], [2, '<r>'], ['text', 'y']]);
    // U+FEFF is not White_Space; whitespace before an earlier token is not stripped twice.
    expect(split(matcher, '\ufeff<l>')).toEqual([['text', '\ufeff'], [1, '<l>']]);
    expect(split(matcher, '<r>  <l>')).toEqual([[2, '<r>'], [1, '<l>']]);
  });

  it('matches special characters literally', () => {
    const matcher = new AddedTokenMatcher([token('[.*]', 7)]);
    expect(split(matcher, 'a[.*]b[xx]')).toEqual([['text', 'a'], [7, '[.*]'], ['text', 'b[xx]']]);
    expect(() => new AddedTokenMatcher([token('', 1)])).toThrow(/empty content/);
  });
});
