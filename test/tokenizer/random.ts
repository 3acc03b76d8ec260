// Deterministic pseudo-random test inputs (mulberry32), so a failure always reproduces.

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Pieces that exercise every branch of GPT-2's pre-tokenizer and byte-level BPE: contractions,
 * all kinds of whitespace (incl. U+0085, NBSP, U+3000, and U+FEFF/U+001C, which are NOT
 * White_Space), letters from several scripts, digits and other numbers, punctuation, emoji
 * (surrogate pairs), combining marks, lone surrogates, and added tokens.
 */
export const TRICKY_PIECES: readonly string[] = [
  "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'x",
  ' ', '  ', '\t', '\n', '\r\n', '\u0085', '\u00a0', '\u3000', '\u2028', '\ufeff', '\u001c', '\u200b',
  'a', 'Hello', 'world', 'é', 'naïve', 'Ω', 'Привет', 'مرحبا', '日本語', '한국어', 'हिन्दी', 'ß',
  '0', '42', '3.14', '²', '½', '٣', 'Ⅻ',
  '!', '?', '...', ',', '-', '@#$', '<', '>', '/', '"', '\\', '_',
  '😀', '👍🏽', '🇫🇷', '𝔘', '𠜎', '\u0301', 'e\u0301',
  '\ud800', '\udc00', '\udbff\ud800',
  '<s>', '</s>', '<pad>', '<mask>', '<unk>',
];

export function randomText(random: () => number, pieces: readonly string[], count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += pieces[Math.floor(random() * pieces.length)]!;
  return text;
}
