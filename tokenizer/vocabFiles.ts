// The slow tokenizer's files: vocab.json (token → id) and merges.txt (one merge per line).

import type { MergeRule } from './bpe.js';
import { describeValue } from './describeValue.js';
import { TokenizerFileError, parseJsonObject } from './tokenizerFileError.js';

/** Check a token → id object (vocab.json, or `model.vocab` of tokenizer.json; `where` names it). */
export function vocabFromObject(object: Record<string, unknown>, file: string, where: string): Map<string, number> {
  const vocab = new Map<string, number>();
  const tokenById = new Map<number, string>();
  for (const [token, id] of Object.entries(object)) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
      throw new TokenizerFileError(file, `${where}token ${JSON.stringify(token)} has id ${describeValue(id)}, expected a non-negative integer`);
    }
    const other = tokenById.get(id);
    if (other !== undefined) {
      throw new TokenizerFileError(file, `${where}id ${id} is given to both ${JSON.stringify(other)} and ${JSON.stringify(token)}`);
    }
    tokenById.set(id, token);
    vocab.set(token, id);
  }
  if (vocab.size === 0) throw new TokenizerFileError(file, `${where}the vocabulary is empty`);
  return vocab;
}

/** Parse vocab.json. */
export function parseVocabJson(text: string, file: string): Map<string, number> {
  return vocabFromObject(parseJsonObject(text, file), file, '');
}

/** Turn merge pairs into id rules; `where(i)` locates pair i in its file for error messages. */
export function mergeRulesFromPairs(
  pairs: ReadonlyArray<readonly [string, string]>,
  vocab: ReadonlyMap<string, number>,
  file: string,
  where: (index: number) => string,
): MergeRule[] {
  return pairs.map(([left, right], index) => {
    const id = (token: string, role: string): number => {
      const found = vocab.get(token);
      if (found === undefined) {
        throw new TokenizerFileError(file, `${where(index)}: ${role} ${JSON.stringify(token)} is not in the vocabulary`);
      }
      return found;
    };
    return { left: id(left, 'left symbol'), right: id(right, 'right symbol'), merged: id(left + right, 'merged token') };
  });
}

/**
 * Parse merges.txt: an optional `#version` header, then one `left right` pair per line
 * (separated by exactly one space), highest priority first. Blank lines are ignored.
 */
export function parseMergesTxt(text: string, file: string, vocab: ReadonlyMap<string, number>): MergeRule[] {
  const pairs: Array<[string, string]> = [];
  const lineNumbers: number[] = [];
  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line === '' || (index === 0 && line.startsWith('#version'))) return;
    const parts = line.split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw new TokenizerFileError(
        file,
        `line ${index + 1}: expected two symbols separated by one space, got ${JSON.stringify(line.slice(0, 80))}`,
      );
    }
    pairs.push([parts[0]!, parts[1]!]);
    lineNumbers.push(index + 1);
  });
  return mergeRulesFromPairs(pairs, vocab, file, (i) => `line ${lineNumbers[i]}`);
}
