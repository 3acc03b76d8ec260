// The text the data tests run on: the start of tinyshakespeare, cut at a blank line (a document
// boundary), and the real roberta-base tokenizer. Not a test file itself.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export { ROBERTA_DIR } from '../../tokenizer/fixtures.js';

const CORPUS = fileURLToPath(new URL('../../../bench/corpus/tinyshakespeare.txt', import.meta.url));

/** The corpus' documents (blank-line-separated blocks) that start within its first `chars` characters. */
export function shakespeareSlice(chars: number): string {
  const text = readFileSync(CORPUS, 'utf8');
  const end = text.indexOf('\n\n', chars);
  return text.slice(0, end) + '\n';
}

/** The blocks of `text` between blank lines, as an independent reading of the documents format. */
export function blocksOf(text: string): string[] {
  return text
    .replace(/\n$/, '')
    .split(/\n(?:[ \t]*\n)+/)
    .filter((block) => !/^[ \t\n]*$/.test(block));
}
