// GPT-2's pre-tokenizer: before BPE, text is cut into "words" by the pattern
//
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// BPE then runs inside each word only, so merges never cross a word boundary. This is a
// hand-written matcher for exactly that pattern (leftmost alternative wins, greedy runs). It is
// faster than a RegExp with Unicode property classes and works on spans of the caller's string,
// so no substring is made for a word unless BPE needs one.
//
// Reading the pattern: a word is an English contraction suffix, or a run of letters, of digits
// or of other symbols, optionally with ONE leading space (that is how 'Ġword' tokens arise).
// Whitespace that does not stick to a following word forms its own run; `\s+(?!\S)` stops one
// character short when the run is followed by a non-space, so that the last space can prefix
// the next word.

import { LETTER, NUMBER, OTHER, WHITESPACE, bmpCharClass, charClassOf, isWhitespaceUnit } from './charClass.js';
import type { CharClass } from './charClass.js';

const SPACE = 0x20;
const APOSTROPHE = 0x27;
const LOWER_S = 0x73;
const LOWER_T = 0x74;
const LOWER_M = 0x6d;
const LOWER_D = 0x64;
const LOWER_R = 0x72;
const LOWER_V = 0x76;
const LOWER_E = 0x65;
const LOWER_L = 0x6c;

/** Code units taken by the character at `i`: 2 for a well-formed surrogate pair inside [.., end). */
function widthAt(text: string, i: number, end: number): number {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff || i + 1 >= end) return 1;
  const low = text.charCodeAt(i + 1);
  return low >= 0xdc00 && low <= 0xdfff ? 2 : 1;
}

function classAt(text: string, i: number, end: number): CharClass {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdfff) return bmpCharClass(unit);
  if (widthAt(text, i, end) === 1) return OTHER; // a lone surrogate
  return charClassOf(((unit - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000);
}

/** End of the run of characters of class `cls` that starts at `i`. */
function runEnd(text: string, i: number, end: number, cls: CharClass): number {
  while (i < end) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdfff) {
      if (bmpCharClass(unit) !== cls) break;
      i++;
    } else {
      if (classAt(text, i, end) !== cls) break;
      i += widthAt(text, i, end);
    }
  }
  return i;
}

/** Length of the contraction (`'s 't 'm 'd 're 've 'll`, lower case only) at `i`, or 0. */
function contractionLength(text: string, i: number, end: number): number {
  if (i + 1 >= end) return 0;
  const c1 = text.charCodeAt(i + 1);
  if (c1 === LOWER_S || c1 === LOWER_T || c1 === LOWER_M || c1 === LOWER_D) return 2;
  if (i + 2 >= end) return 0;
  const c2 = text.charCodeAt(i + 2);
  if ((c1 === LOWER_R && c2 === LOWER_E) || (c1 === LOWER_V && c2 === LOWER_E) || (c1 === LOWER_L && c2 === LOWER_L)) {
    return 3;
  }
  return 0;
}

/**
 * Split `text[from, to)` into GPT-2 pre-tokens, appending each one's `[start, end)` (UTF-16
 * indices into `text`) to `spans` as two numbers. The spans tile the range exactly.
 */
export function preTokenize(text: string, from: number, to: number, spans: number[]): void {
  let i = from;
  while (i < to) {
    const unit = text.charCodeAt(i);
    if (unit === APOSTROPHE) {
      const length = contractionLength(text, i, to);
      if (length > 0) {
        spans.push(i, i + length);
        i += length;
        continue;
      }
    }
    let cls = classAt(text, i, to);
    let runStart = i;
    if (unit === SPACE && i + 1 < to) {
      const next = classAt(text, i + 1, to);
      if (next !== WHITESPACE) {
        cls = next;
        runStart = i + 1;
      }
    }
    if (cls === LETTER || cls === NUMBER || cls === OTHER) {
      const end = runEnd(text, runStart, to, cls);
      spans.push(i, end);
      i = end;
      continue;
    }
    let end = i + 1;
    while (end < to && isWhitespaceUnit(text.charCodeAt(end))) end++;
    // `\s+(?!\S)`: before a non-space, give the last whitespace character back (every
    // White_Space character is a single code unit); a lone one is then matched by `\s+`.
    if (end < to && end - 1 > i) end--;
    spans.push(i, end);
    i = end;
  }
}
