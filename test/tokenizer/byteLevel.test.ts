import { BYTE_TO_CHAR, byteOfChar } from '../../tokenizer/byteLevel.js';
import { encodeUtf8Slice } from '../../tokenizer/utf8.js';
import { REFERENCE_BYTE_TO_CHAR } from './byteLevelReference.js';
import { TRICKY_PIECES, randomText, seededRandom } from './random.js';

describe('byte-level alphabet', () => {
  it("is GPT-2's bytes_to_unicode", () => {
    expect(BYTE_TO_CHAR).toEqual(REFERENCE_BYTE_TO_CHAR);
    expect(new Set(BYTE_TO_CHAR).size).toBe(256);
    expect([BYTE_TO_CHAR[0x20], BYTE_TO_CHAR[0x0a], BYTE_TO_CHAR[0x41]]).toEqual(['Ġ', 'Ċ', 'A']);
  });

  it('reads characters back as bytes', () => {
    for (let byte = 0; byte < 256; byte++) expect(byteOfChar(BYTE_TO_CHAR[byte]!.charCodeAt(0))).toBe(byte);
    expect(byteOfChar('€'.charCodeAt(0))).toBe(-1);
  });
});

describe('encodeUtf8Slice', () => {
  it('encodes like TextEncoder (lone surrogates as U+FFFD) and maps bytes to their characters', () => {
    const random = seededRandom(21);
    for (let i = 0; i < 500; i++) {
      const text = randomText(random, TRICKY_PIECES, 1 + Math.floor(random() * 8));
      const from = Math.floor(random() * text.length);
      const { bytes, charStart, charEnd } = encodeUtf8Slice(text, from, text.length);
      const slice = text.slice(from);
      expect([slice, [...bytes]]).toEqual([slice, [...new TextEncoder().encode(slice)]]);
      // Each character's bytes carry that character's span; the spans tile the slice.
      let unit = 0;
      for (let b = 0; b < bytes.length; ) {
        const end = charEnd[b]!;
        const char = slice.slice(unit, end);
        const length = new TextEncoder().encode(char).length;
        for (let k = b; k < b + length; k++) expect([charStart[k], charEnd[k]]).toEqual([unit, end]);
        expect([...char].length).toBe(1);
        b += length;
        unit = end;
      }
      expect(unit).toBe(slice.length);
    }
  });
});
