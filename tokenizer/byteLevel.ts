// GPT-2's byte-level alphabet. BPE vocabularies store tokens as *strings*, but the model works on
// UTF-8 bytes; GPT-2 maps each of the 256 byte values to one printable Unicode character so a
// token is still a readable string. Printable Latin-1 bytes map to themselves; the 68 others
// (control codes, space, DEL, NBSP, soft hyphen, …) are shifted up to U+0100…U+0143, in byte
// order. That is why a leading space shows up as 'Ġ' (U+0120) and a newline as 'Ċ' (U+010A).

function buildByteToChar(): string[] {
  const byteToChar = new Array<string>(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) {
    const printable =
      (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    byteToChar[byte] = String.fromCharCode(printable ? byte : 256 + shifted++);
  }
  return byteToChar;
}

/** `BYTE_TO_CHAR[b]` is the one-character string that stands for byte `b` in vocab.json / merges.txt. */
export const BYTE_TO_CHAR: readonly string[] = buildByteToChar();

const CHAR_TO_BYTE = new Map<number, number>(BYTE_TO_CHAR.map((char, byte) => [char.charCodeAt(0), byte]));

/** The byte a byte-level character stands for, or -1 if `charCode` is not one of the 256. */
export function byteOfChar(charCode: number): number {
  return CHAR_TO_BYTE.get(charCode) ?? -1;
}
