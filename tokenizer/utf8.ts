// UTF-8 encoding of a slice of a JavaScript string, remembering where each byte came from.
// Byte-level BPE works on UTF-8 bytes while offsets are reported in UTF-16 code units of the
// caller's string, so every byte carries the [start, end) code-unit span of its character.
//
// JavaScript strings may hold lone surrogates, which have no UTF-8 form. They are encoded as
// U+FFFD (EF BF BD), exactly as TextEncoder does. (Python's tokenizer cannot see them at all:
// `str.encode('utf-8')` raises on a lone surrogate.)

/** The UTF-8 bytes of a string slice and, per byte, its character's span relative to the slice. */
export interface Utf8Slice {
  readonly bytes: Uint8Array;
  readonly charStart: Int32Array;
  readonly charEnd: Int32Array;
}

/** Code point at `i` (a lone surrogate reads as U+FFFD); `i + codePointWidth(…)` is the next one. */
function codePointAt(text: string, i: number, to: number): number {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdfff) return unit;
  const low = i + 1 < to ? text.charCodeAt(i + 1) : 0;
  if (unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) return ((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
  return 0xfffd;
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

export function encodeUtf8Slice(text: string, from: number, to: number): Utf8Slice {
  let length = 0;
  for (let i = from; i < to; ) {
    const codePoint = codePointAt(text, i, to);
    length += utf8Length(codePoint);
    i += codePoint > 0xffff ? 2 : 1;
  }
  const bytes = new Uint8Array(length);
  const charStart = new Int32Array(length);
  const charEnd = new Int32Array(length);
  let b = 0;
  for (let i = from; i < to; ) {
    const codePoint = codePointAt(text, i, to);
    const width = codePoint > 0xffff ? 2 : 1;
    const first = b;
    if (codePoint < 0x80) {
      bytes[b++] = codePoint;
    } else if (codePoint < 0x800) {
      bytes[b++] = 0xc0 | (codePoint >> 6);
      bytes[b++] = 0x80 | (codePoint & 0x3f);
    } else if (codePoint < 0x10000) {
      bytes[b++] = 0xe0 | (codePoint >> 12);
      bytes[b++] = 0x80 | ((codePoint >> 6) & 0x3f);
      bytes[b++] = 0x80 | (codePoint & 0x3f);
    } else {
      bytes[b++] = 0xf0 | (codePoint >> 18);
      bytes[b++] = 0x80 | ((codePoint >> 12) & 0x3f);
      bytes[b++] = 0x80 | ((codePoint >> 6) & 0x3f);
      bytes[b++] = 0x80 | (codePoint & 0x3f);
    }
    for (let k = first; k < b; k++) {
      charStart[k] = i - from;
      charEnd[k] = i - from + width;
    }
    i += width;
  }
  return { bytes, charStart, charEnd };
}
