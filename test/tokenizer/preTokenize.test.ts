import { preTokenize } from '../../tokenizer/preTokenize.js';
import { CASES } from './fixtures.js';
import { TRICKY_PIECES, randomText, seededRandom } from './random.js';

// Independent definition: GPT-2's pattern as a JavaScript RegExp. `\s` is spelled
// \p{White_Space}, the meaning it has in Python's `regex` module (JavaScript's own `\s` differs).
const GPT2_PATTERN =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

function byRegExp(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}

function byPreTokenizer(text: string, from = 0, to = text.length): string[] {
  const spans: number[] = [];
  preTokenize(text, from, to, spans);
  const words: string[] = [];
  for (let i = 0; i < spans.length; i += 2) words.push(text.slice(spans[i], spans[i + 1]));
  return words;
}

describe('preTokenize', () => {
  it('splits like Python regex with the GPT-2 pattern', () => {
    // Expected values printed by Python's `regex` 2026.5.9 (the module HF's slow tokenizer uses).
    expect(byPreTokenizer("Hello world! It's 2024.")).toEqual(['Hello', ' world', '!', ' It', "'s", ' 2024', '.']);
    expect(byPreTokenizer('\n\nHello\n\nWorld')).toEqual(['\n', '\n', 'Hello', '\n', '\n', 'World']);
    expect(byPreTokenizer('a\x1cb \x1c c')).toEqual(['a', '\x1c', 'b', ' \x1c', ' c']);
    expect(byPreTokenizer('a\x85b \x85 c')).toEqual(['a', '\x85', 'b', ' \x85', ' c']);
    expect(byPreTokenizer('x\ufeff y !\ufeff')).toEqual(['x', '\ufeff', ' y', ' !\ufeff']);
    expect(byPreTokenizer('   x  ')).toEqual(['  ', ' x', '  ']);
  });

  it('agrees with the RegExp definition on every fixture text', () => {
    for (const c of CASES.single) expect(byPreTokenizer(c.text)).toEqual(byRegExp(c.text));
  });

  it('agrees with the RegExp definition on random tricky text', () => {
    const random = seededRandom(1234);
    for (let i = 0; i < 3000; i++) {
      const text = randomText(random, TRICKY_PIECES, 1 + Math.floor(random() * 12));
      expect([text, byPreTokenizer(text)]).toEqual([text, byRegExp(text)]);
    }
  });

  it('treats the range end as the end of the text', () => {
    // `\s+(?!\S)` keeps the whole run when the range stops right after it.
    expect(byPreTokenizer('ab  cd', 0, 4)).toEqual(['ab', '  ']);
    expect(byPreTokenizer('ab  cd', 2, 6)).toEqual([' ', ' cd']);
    // A surrogate pair cut by the range end is a lone surrogate.
    expect(byPreTokenizer('x😀', 0, 2)).toEqual(['x', '\ud83d']);
  });

  it('tiles the range exactly', () => {
    const random = seededRandom(99);
    for (let i = 0; i < 500; i++) {
      const text = randomText(random, TRICKY_PIECES, 10);
      expect(byPreTokenizer(text).join('')).toBe(text);
    }
  });
});
