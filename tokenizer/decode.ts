// From token strings back to text.

import { byteOfChar } from './byteLevel.js';

// `ignoreBOM`: a decoded text may legitimately start with U+FEFF; the default would drop it.
// Invalid UTF-8 (ids that cut a character in two) becomes U+FFFD, like Python's errors='replace'.
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** A piece of decoder input: a BPE token string (byte-level alphabet) or an added token's text. */
export interface DecodePiece {
  readonly text: string;
  readonly byteLevel: boolean;
}

/**
 * Concatenate the bytes the pieces stand for and decode them as UTF-8. A byte-level piece is
 * read through the byte alphabet ('Ġ' → 0x20); a character outside that alphabet (vocabularies
 * may contain some) stands for its own UTF-8 bytes, as in HF's Rust ByteLevel decoder.
 */
export function decodePieces(pieces: readonly DecodePiece[]): string {
  const bytes: number[] = [];
  for (const piece of pieces) {
    if (piece.byteLevel) {
      for (const char of piece.text) {
        const byte = char.length === 1 ? byteOfChar(char.charCodeAt(0)) : -1;
        if (byte >= 0) bytes.push(byte);
        else for (const b of utf8Encoder.encode(char)) bytes.push(b);
      }
    } else {
      for (const b of utf8Encoder.encode(piece.text)) bytes.push(b);
    }
  }
  return utf8Decoder.decode(Uint8Array.from(bytes));
}

/**
 * transformers' `clean_up_tokenization`: undo the spaces a word-level tokenizer would have put
 * before punctuation and English contractions. The replacements run in this order, each over
 * the whole text, exactly as in transformers 4.36.
 */
export function cleanUpTokenizationSpaces(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
