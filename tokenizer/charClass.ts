// The three Unicode classes GPT-2's pre-tokenizer pattern distinguishes, for one code point.
// They follow Python's `regex` module, which HF's slow RobertaTokenizer uses: `\p{L}` letters,
// `\p{N}` numbers and `\s` = the Unicode White_Space property. (JavaScript's own `\s` differs: it
// includes U+FEFF and leaves out U+0085.) Lone surrogates belong to none of them, like any other
// unpaired code point in Python.

export const OTHER = 0;
export const LETTER = 1;
export const NUMBER = 2;
export const WHITESPACE = 3;
export type CharClass = typeof OTHER | typeof LETTER | typeof NUMBER | typeof WHITESPACE;

const LETTER_RE = /^\p{L}$/u;
const NUMBER_RE = /^\p{N}$/u;
const WHITESPACE_RE = /^\p{White_Space}$/u;

function classify(codePoint: number): CharClass {
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return OTHER;
  const char = String.fromCodePoint(codePoint);
  if (LETTER_RE.test(char)) return LETTER;
  if (NUMBER_RE.test(char)) return NUMBER;
  if (WHITESPACE_RE.test(char)) return WHITESPACE;
  return OTHER;
}

// The pre-tokenizer asks for a class per character, so classes are tabulated, one 64 KiB table
// per Unicode plane: the Basic Multilingual Plane up front (8 ms), each astral plane (emoji,
// rare CJK, private use) the first time one of its characters shows up. At most 17 tables, so
// memory stays bounded whatever the input.
function tabulatePlane(plane: number): Uint8Array {
  const table = new Uint8Array(0x10000);
  const base = plane * 0x10000;
  for (let c = 0; c < 0x10000; c++) table[c] = classify(base + c);
  return table;
}

const BMP_CLASS = tabulatePlane(0);
const planeTables: Array<Uint8Array | undefined> = [BMP_CLASS];

/** Class of a code point (0…0x10FFFF; surrogate code points are OTHER). */
export function charClassOf(codePoint: number): CharClass {
  const plane = codePoint >>> 16;
  const table = planeTables[plane] ?? (planeTables[plane] = tabulatePlane(plane));
  return table[codePoint & 0xffff] as CharClass;
}

/** Class of the BMP code unit `unit` (which must not be a surrogate). */
export function bmpCharClass(unit: number): CharClass {
  return BMP_CLASS[unit] as CharClass;
}

/** True for the White_Space characters (all of them are single UTF-16 code units). */
export function isWhitespaceUnit(unit: number): boolean {
  return BMP_CLASS[unit] === WHITESPACE;
}
