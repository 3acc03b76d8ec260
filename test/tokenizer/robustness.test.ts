import { MergeTable } from '../../tokenizer/bpe.js';
import type { RobertaTokenizer } from '../../tokenizer/index.js';
import { CASES, robertaBase } from './fixtures.js';
import { seededRandom } from './random.js';

/**
 * Runs `body`, counting the code units read from strings (`charCodeAt`, how the tokenizer reads
 * text) and BPE's merge-rule lookups (`MergeTable.rankOf`) meanwhile.
 */
function countingWork<T>(body: () => T): { result: T; work: { codeUnitReads: number; mergeLookups: number } } {
  const work = { codeUnitReads: 0, mergeLookups: 0 };
  const charCodeAt = String.prototype.charCodeAt;
  const rankOf = MergeTable.prototype.rankOf;
  String.prototype.charCodeAt = function (this: string, index: number) {
    work.codeUnitReads++;
    return charCodeAt.call(this, index);
  };
  MergeTable.prototype.rankOf = function (this: MergeTable, left: number, right: number) {
    work.mergeLookups++;
    return rankOf.call(this, left, right);
  };
  try {
    return { result: body(), work };
  } finally {
    String.prototype.charCodeAt = charCodeAt;
    MergeTable.prototype.rankOf = rankOf;
  }
}

/** Independent definition of "lone surrogate → U+FFFD" (what TextEncoder does). */
function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

describe('robustness', () => {
  let tokenizer: RobertaTokenizer;
  beforeAll(async () => {
    tokenizer = await robertaBase();
  });

  describe('pathological input costs work linear in its length, and round-trips', () => {
    // Work is counted, not timed (a busy machine would make any time limit flaky): how often a
    // code unit of the text is read — about 3 times each, 5.5 for surrogate pairs — and how often
    // BPE looks up a merge rule: at most 3 pairs filed per byte (bpe.ts) and each checked once,
    // so at most 6 per byte (4.1 measured). An O(n²) scan or merge loop would count in the
    // hundreds of billions here, not in the millions. (Throughput is bench/tokenizer.ts's job.)
    const inputs: Array<[string, (n: number) => string, number]> = [
      ['1 MB of one letter, no spaces', (n) => 'a'.repeat(n), 1 << 20],
      ['100k spaces', (n) => ' '.repeat(n), 100_000],
      ['10k emoji', (n) => '😀'.repeat(n), 10_000],
      ['1 MB of digits', (n) => '7'.repeat(n), 1 << 20],
      ['1 MB of punctuation', (n) => '!'.repeat(n), 1 << 20],
      ['100k newlines', (n) => '\n'.repeat(n), 100_000],
    ];
    it.each(inputs)('%s', (_, make, size) => {
      const text = make(size);
      const { result, work } = countingWork(() => tokenizer.encode(text).ids);
      expect(work.codeUnitReads).toBeLessThanOrEqual(8 * text.length);
      expect(work.mergeLookups).toBeLessThanOrEqual(6 * Buffer.byteLength(text));
      expect(tokenizer.decode(result, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false })).toBe(text);
    });
  });

  describe('lone UTF-16 surrogates', () => {
    it("are encoded as U+FFFD's UTF-8 bytes, as TextEncoder does", () => {
      expect(tokenizer.tokenize('\ud800')).toEqual(['ï¿½']);
      for (const text of ['\ud800', 'a\udc00b', '\udc00\ud800', 'x😀'.slice(0, 2), ' \udbff!', '\ud83d\ud83d\ude00']) {
        expect(tokenizer.encode(text).ids).toEqual(tokenizer.encode(wellFormed(text)).ids);
      }
      expect(tokenizer.decode(tokenizer.encode('a\ud800b').ids, { skipSpecialTokens: true })).toBe('a\ufffdb');
      // The surrogate's own code unit is its span.
      expect(tokenizer.encode('a\udc00b', undefined, { addSpecialTokens: false }).offsets).toEqual([[0, 1], [1, 2], [2, 3]]);
    });

    it('never crash, wherever a surrogate pair is cut', () => {
      const random = seededRandom(17);
      const texts = CASES.single.map((c) => c.text).filter((text) => /[\ud800-\udfff]/.test(text));
      expect(texts.length).toBeGreaterThan(5);
      for (const text of texts) {
        for (let k = 0; k < 10; k++) {
          const cut = Math.floor(random() * (text.length + 1));
          const broken = text.slice(0, cut) + text.slice(cut + 1);
          expect(tokenizer.encode(broken).ids).toEqual(tokenizer.encode(wellFormed(broken)).ids);
        }
      }
    });
  });

  describe('bad arguments', () => {
    it('reject non-string text with a TypeError', () => {
      for (const value of [42, null, undefined, {}, ['a'], Symbol('x')]) {
        expect(() => tokenizer.encode(value as unknown as string)).toThrow(TypeError);
        expect(() => tokenizer.tokenize(value as unknown as string)).toThrow(TypeError);
      }
      expect(() => tokenizer.encode('a', 42 as unknown as string)).toThrow(TypeError);
      expect(() => tokenizer.encodeBatch('abc' as unknown as string[])).toThrow(TypeError);
      expect(() => tokenizer.encodeBatch([1] as unknown as string[])).toThrow(/batch input 0/);
      expect(() => tokenizer.encodeBatch([['a']] as unknown as string[])).toThrow(/batch input 0/);
      expect(() => tokenizer.encode('a', undefined, { addSpecialTokens: 'no' as unknown as boolean })).toThrow(TypeError);
    });

    it('decode accepts typed arrays of ids', () => {
      expect(tokenizer.decode(Int32Array.of(0, 31414, 2))).toBe('<s>Hello</s>');
    });

    it('reject bad ids in decode', () => {
      expect(() => tokenizer.decode('0, 1' as unknown as number[])).toThrow(TypeError);
      expect(() => tokenizer.decode([1.5])).toThrow(TypeError);
      expect(() => tokenizer.decode(['1'] as unknown as number[])).toThrow(TypeError);
      expect(() => tokenizer.decode([-1])).toThrow(/token id -1 is not in the vocabulary/);
      expect(() => tokenizer.decode([50265])).toThrow(RangeError);
    });

    it('reject unknown or impossible padding and truncation settings', () => {
      expect(() => tokenizer.encode('a', undefined, { padding: 'left' as never })).toThrow(/unknown padding string "left"/);
      expect(() => tokenizer.encode('a', undefined, { truncation: 'only_last' as never })).toThrow(/unknown truncation/);
      expect(() => tokenizer.encode('a', undefined, { truncation: true, maxLength: -1 })).toThrow(RangeError);
      expect(() => tokenizer.encode('a', undefined, { truncation: 'only_second', maxLength: 2 })).toThrow(/needs a text pair/);
      expect(() => tokenizer.encode('a b c', undefined, { truncation: true, maxLength: 1 })).toThrow(/special tokens alone/);
    });
  });

  describe('decoding partial characters', () => {
    it('gives U+FFFD like Python with errors="replace"', () => {
      // '😀' is ['ðŁĺ', 'Ģ']: the first token alone is an incomplete UTF-8 sequence.
      const [first, second] = tokenizer.encode('😀', undefined, { addSpecialTokens: false }).ids as [number, number];
      expect(tokenizer.decode([first])).toBe('\ufffd');
      expect(tokenizer.decode([second, first])).toBe('\ufffd\ufffd');
      expect(tokenizer.decode([first, second])).toBe('😀');
    });

    it('keeps a leading byte order mark', () => {
      expect(tokenizer.decode(tokenizer.encode('\ufeffhi').ids, { skipSpecialTokens: true })).toBe('\ufeffhi');
    });
  });
});
