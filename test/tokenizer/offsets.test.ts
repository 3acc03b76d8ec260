import type { Encoding, RobertaTokenizer } from '../../tokenizer/index.js';
import { loadTokenizer } from '../../tokenizer/index.js';
import { tokenBytes } from './byteLevelReference.js';
import { CASES, ROBERTA_DIR, robertaBase } from './fixtures.js';
import { TRICKY_PIECES, randomText, seededRandom } from './random.js';

const utf8 = (text: string): number[] => [...new TextEncoder().encode(text)];

function containsRun(haystack: readonly number[], needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function isWholeUtf8(bytes: readonly number[]): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    return true;
  } catch {
    return false;
  }
}

/**
 * Independent check of one token's offsets `[start, end)` in `text`: they must cover exactly
 * the characters whose UTF-8 bytes the token holds, leaving out its leading/trailing spaces
 * (trim_offsets). An added token found in the text covers exactly its own string.
 */
function checkTokenOffsets(text: string, token: string, [start, end]: [number, number], added: boolean): void {
  const where = `${JSON.stringify(token)} at [${start}, ${end}] in ${JSON.stringify(text)}`;
  expect([where, 0 <= start && start <= end && end <= text.length]).toEqual([where, true]);
  if (added) {
    expect([where, text.slice(start, end)]).toEqual([where, token]);
    return;
  }
  let bytes = tokenBytes(token);
  while (bytes[0] === 0x20) bytes = bytes.slice(1);
  while (bytes[bytes.length - 1] === 0x20) bytes = bytes.slice(0, -1);
  if (bytes.length === 0) {
    expect([where, start]).toEqual([where, end]);
    return;
  }
  const covered = text.slice(start, end);
  if (isWholeUtf8(bytes)) {
    expect([where, utf8(covered)]).toEqual([where, bytes]);
    return;
  }
  // Part of a multi-byte character: the span is the smallest run of whole characters holding it.
  const chars = [...covered];
  expect([where, containsRun(utf8(covered), bytes)]).toEqual([where, true]);
  expect([where, containsRun(utf8(chars.slice(1).join('')), bytes)]).toEqual([where, false]);
  expect([where, containsRun(utf8(chars.slice(0, -1).join('')), bytes)]).toEqual([where, false]);
}

function checkEncoding(tokenizer: RobertaTokenizer, encoding: Encoding, texts: readonly string[]): void {
  // With special tokens: <s> A </s> or <s> A </s></s> B </s>.
  const firstLength = tokenizer.tokenize(texts[0]!).length;
  encoding.tokens.forEach((token, i) => {
    const framing = i === 0 || i === firstLength + 1 || (texts.length === 2 && (i === firstLength + 2 || i === encoding.tokens.length - 1));
    if (framing) {
      expect(encoding.offsets[i]).toEqual([0, 0]);
      return;
    }
    const text = texts[i <= firstLength ? 0 : 1]!;
    const added = tokenizer.idToToken(encoding.ids[i]!) === token && /^<(s|\/s|pad|unk|mask)>$/.test(token);
    checkTokenOffsets(text, token, encoding.offsets[i]!, added);
  });
}

describe('offsets', () => {
  let tokenizer: RobertaTokenizer;
  beforeAll(async () => {
    tokenizer = await robertaBase();
  });

  it('follow trim_offsets: the leading space of a word is not part of it', () => {
    const encoding = tokenizer.encode('Hello world');
    expect(encoding.tokens).toEqual(['<s>', 'Hello', 'Ġworld', '</s>']);
    expect(encoding.offsets).toEqual([[0, 0], [0, 5], [6, 11], [0, 0]]);
  });

  it("match HF's Rust tokenizer, converted from code points to UTF-16 units", () => {
    // tokenizers 0.23.2 (npm) gives [[1,2],[1,2],[1,2],[2,3],[2,3],[2,3],[4,5],[6,6],[7,8]]
    // for the tokens below, counting code points; 🇫 and 🇷 are two UTF-16 units each.
    const flags = tokenizer.encode(' 🇫🇷 x  y', undefined, { addSpecialTokens: false });
    expect(flags.tokens).toEqual(['ĠðŁ', 'ĩ', '«', 'ðŁ', 'ĩ', '·', 'Ġx', 'Ġ', 'Ġy']);
    expect(flags.offsets).toEqual([[1, 3], [1, 3], [1, 3], [3, 5], [3, 5], [3, 5], [6, 7], [8, 8], [9, 10]]);
    const accents = tokenizer.encode('héllo wörld', undefined, { addSpecialTokens: false });
    expect(accents.offsets).toEqual([[0, 1], [1, 2], [2, 5], [6, 7], [7, 9], [9, 11]]);
    // `<mask>` strips the space before it; its offsets are those of "<mask>" itself.
    expect(tokenizer.encode('Hello <mask>!').offsets).toEqual([[0, 0], [0, 5], [6, 12], [12, 13], [0, 0]]);
  });

  it('hold for every token of every fixture text', () => {
    for (const c of CASES.single) checkEncoding(tokenizer, tokenizer.encode(c.text), [c.text]);
  });

  it('hold for pairs, pointing into the second text after </s></s>', () => {
    for (const c of CASES.pairs) checkEncoding(tokenizer, tokenizer.encode(c.text, c.text_pair), [c.text, c.text_pair]);
  });

  it('hold for random tricky text, lone surrogates included', () => {
    const random = seededRandom(5);
    for (let i = 0; i < 400; i++) {
      const text = randomText(random, TRICKY_PIECES, 1 + Math.floor(random() * 10));
      checkEncoding(tokenizer, tokenizer.encode(text), [text]);
    }
  });

  it('point into the caller string when a prefix space is added', async () => {
    const prefixed = await loadTokenizer(ROBERTA_DIR, { addPrefixSpace: true });
    const encoding = prefixed.encode('Hello world', undefined, { addSpecialTokens: false });
    expect(encoding.tokens).toEqual(['ĠHello', 'Ġworld']);
    expect(encoding.offsets).toEqual([[0, 5], [6, 11]]);
    const random = seededRandom(6);
    for (let i = 0; i < 200; i++) {
      const text = randomText(random, TRICKY_PIECES, 1 + Math.floor(random() * 8));
      checkEncoding(prefixed, prefixed.encode(text), [text]);
    }
  });
});
