// A complete model directory (config, weights, tokenizer) for a tiny fixture model. The fixtures
// have no tokenizer (their vocabulary has 1000 ids), so this builds a byte-level one in which each
// token id of the fixture inputs is one letter: the text "abc" then encodes to exactly the ids HF
// ran, and HF's expected outputs are the golden values for the whole pipeline. Or, where a test
// needs words and sub-words, each id is spelled as the test says, with the merges that build it.

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureDir, fixtureInputs, type SequenceFixtureModel } from '../model/fixtureModels.js';
import { makeTempDir } from '../tempDir.js';

/** GPT-2's bytes→unicode table, written out independently of tokenizer/byteLevel.ts. */
function byteSymbols(): string[] {
  const printable = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
}

export interface TinyModelDir {
  readonly dir: string;
  /** The fixture rows as texts: row r is texts[r] (a [text, pair] for the pair-shaped row). */
  readonly texts: (string | [string, string])[];
  /** The token string of every id. */
  readonly tokenOf: Map<number, string>;
}

/**
 * `maskAt`: [row, position] whose id becomes the `<mask>` token (for fill-mask).
 * `spelling`: instead of letters, the byte-level token string of every fixture id ('ĠParis',
 * 'ian'), so texts have words and sub-words; merges that build each token from its characters,
 * left to right, are written to merges.txt (the caller checks the texts encode to the fixture ids).
 */
export function tinyModelDir(name: SequenceFixtureModel, maskAt?: [number, number], spelling?: ReadonlyMap<number, string>): TinyModelDir {
  const rows = fixtureInputs(name).input_ids;
  const maskId = maskAt ? rows[maskAt[0]][maskAt[1]] : undefined;
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const tokenOf = new Map<number, string>();
  const vocab: Record<string, number> = { '<s>': 0, '<pad>': 1, '</s>': 2, '<unk>': 3 };
  for (const id of rows.flat()) {
    if (id <= 3 || tokenOf.has(id)) continue;
    if (spelling && !spelling.has(id)) throw new Error(`tinyModelDir: no spelling for id ${id} of ${name}`);
    const token = id === maskId ? '<mask>' : (spelling?.get(id) ?? letters[[...tokenOf.values()].filter((t) => t !== '<mask>').length]);
    tokenOf.set(id, token);
    vocab[token] = id;
  }
  const used = new Set(Object.values(vocab));
  let free = 4;
  for (const symbol of byteSymbols()) {
    if (symbol in vocab) continue;
    while (used.has(free)) free++;
    vocab[symbol] = free;
    used.add(free);
  }
  if (!('<mask>' in vocab)) {
    while (used.has(free)) free++;
    vocab['<mask>'] = free;
    used.add(free);
  }
  const merges: string[] = [];
  for (const token of tokenOf.values()) {
    if (token === '<mask>') continue;
    const chars = [...token];
    for (let k = 1; k < chars.length; k++) {
      const [left, merged] = [chars.slice(0, k).join(''), chars.slice(0, k + 1).join('')];
      if (!merges.includes(`${left} ${chars[k]}`)) merges.push(`${left} ${chars[k]}`);
      if (merged in vocab) continue;
      while (used.has(free)) free++;
      vocab[merged] = free;
      used.add(free);
    }
  }
  // Every id the model can predict must decode: fill the rest of the 1000 ids with named tokens.
  for (let id = 0; id < 1000; id++) if (!used.has(id)) vocab[`<unused${id}>`] = id;
  const dir = makeTempDir(name);
  for (const file of ['config.json', 'model.safetensors']) copyFileSync(join(fixtureDir(name), file), join(dir, file));
  writeFileSync(join(dir, 'vocab.json'), JSON.stringify(vocab));
  const byteOf = new Map(byteSymbols().map((symbol, byte) => [symbol, byte]));
  const spell = (ids: number[]) => new TextDecoder().decode(Uint8Array.from([...ids.map((id) => tokenOf.get(id)).join('')].map((c) => byteOf.get(c)!)));
  writeFileSync(join(dir, 'merges.txt'), ['#version: 0.2', ...merges, ''].join('\n'));
  const texts = rows.map((row) => {
    const real = row.slice(1, row.lastIndexOf(2));
    const split = real.indexOf(2);
    return split < 0 ? spell(real) : ([spell(real.slice(0, split)), spell(real.slice(split + 2))] as [string, string]);
  });
  return { dir, texts, tokenOf: new Map(Object.entries(vocab).map(([token, id]) => [id, token])) };
}

/** tiny-tok's ids spelled as words and sub-words: its rows read "Kim Lee Park", "Liz Max in Rome", "Ann Bobby Cyril Deena Ed.". */
export const TINY_TOK_SPELLING: ReadonlyMap<number, string> = new Map([
  [841, 'Kim'], [879, 'ĠLee'], [820, 'ĠPark'],
  [70, 'Li'], [954, 'z'], [967, 'ĠMa'], [277, 'x'], [649, 'Ġin'], [901, 'ĠRo'], [883, 'me'],
  [457, 'Ann'], [679, 'ĠBo'], [105, 'bby'], [387, 'ĠCy'], [817, 'ril'], [322, 'ĠDe'], [78, 'e'], [544, 'na'], [332, 'ĠEd'], [338, '.'],
]);

/** Renames the classes of the model in `dir` (config.json's id2label and label2id); the weights, hence the logits, stay. */
export function relabel(dir: string, labels: readonly string[]): void {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  config.id2label = Object.fromEntries(labels.map((l, i) => [String(i), l]));
  config.label2id = Object.fromEntries(labels.map((l, i) => [l, i]));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
}

/** tiny-qa's row 0 is the pair <s> Who </s></s> Par is </s>: question "Who", context "Paris"; rows 1 and 2 get a letter per id. */
export const TINY_QA_SPELLING: ReadonlyMap<number, string> = new Map([
  [474, 'Who'], [716, 'Par'], [9, 'is'],
  ...fixtureInputs('tiny-qa').input_ids.slice(1).flat().filter((id) => id > 3).map((id, i) => [id, 'ABCDEFGHIJKLMNOQRT'[i]] as [number, string]),
]);
