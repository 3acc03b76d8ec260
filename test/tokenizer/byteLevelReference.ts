// GPT-2's bytes_to_unicode, written out independently of tokenizer/byteLevel.ts so tests can
// check the implementation against it.

function printable(byte: number): boolean {
  return (byte >= 33 && byte <= 126) || (byte >= 161 && byte <= 172) || (byte >= 174 && byte <= 255);
}

export const REFERENCE_BYTE_TO_CHAR: readonly string[] = (() => {
  const table: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) table[b] = String.fromCharCode(printable(b) ? b : 256 + shifted++);
  return table;
})();

/** The byte-level symbols of a text's UTF-8 bytes ("hé" → ['h', 'Ã', '©']). */
export function byteLevelSymbols(text: string): string[] {
  return [...new TextEncoder().encode(text)].map((b) => REFERENCE_BYTE_TO_CHAR[b]!);
}

/** The bytes a byte-level token string stands for ('Ġhi' → [0x20, 0x68, 0x69]). */
export function tokenBytes(token: string): number[] {
  return [...token].map((char) => {
    const byte = REFERENCE_BYTE_TO_CHAR.indexOf(char);
    if (byte < 0) throw new Error(`${JSON.stringify(char)} is not a byte-level character`);
    return byte;
  });
}
