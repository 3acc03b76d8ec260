// Reading fine-tuning data: JSONL and CSV, single texts and pairs, labels as names or integer ids,
// the label set (names in code-point order, as run_glue.py sorts them), and one-line errors that
// name the file and line of a bad row.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../model/inputs.js';
import { readExamples } from '../../../train/classification/examples.js';
import { classIds, labelSetOf } from '../../../train/classification/labels.js';
import { makeTempDir } from '../../tempDir.js';

const dir = makeTempDir('classification-data');
let count = 0;
function file(name: string, text: string): string {
  const path = join(dir, `${count++}-${name}`);
  writeFileSync(path, text);
  return path;
}

describe('readExamples', () => {
  it('reads JSONL rows in file order, skipping blank lines, each with its file:line', async () => {
    const path = file('train.jsonl', '{"text": "good film", "label": "pos"}\n\n{"text": "bad film", "label": "neg", "idx": 7}\n');
    expect(await readExamples(path)).toEqual([
      { text: 'good film', label: 'pos', where: `${path}:1` },
      { text: 'bad film', label: 'neg', where: `${path}:3` },
    ]);
  });

  it('reads JSONL pairs (text_a, text_b) and integer labels', async () => {
    const path = file('pairs.jsonl', '{"text_a": "A man eats.", "text_b": "Someone eats.", "label": 0}\n{"text_a": "x", "text_b": "y", "label": 2}\n');
    expect(await readExamples(path)).toEqual([
      { text: 'A man eats.', textPair: 'Someone eats.', label: 0, where: `${path}:1` },
      { text: 'x', textPair: 'y', label: 2, where: `${path}:2` },
    ]);
  });

  it('reads CSV with a header: quoted commas, quotes and newlines; a column of integer numerals is class ids', async () => {
    const path = file('train.csv', '\ufefftext,label,source\n"hello, ""world""\nsecond line",1,web\n\nbye,0,mail\r\n');
    expect(await readExamples(path)).toEqual([
      { text: 'hello, "world"\nsecond line', label: 1, where: `${path}:2` },
      { text: 'bye', label: 0, where: `${path}:5` },
    ]);
  });

  it('reads a CSV with \\r\\n line ends as one with \\n', async () => {
    const path = file('crlf.csv', 'text,label\r\n"a\r\nb",1\r\n\r\nbye,0\r\n');
    expect(await readExamples(path)).toEqual([
      { text: 'a\nb', label: 1, where: `${path}:2` },
      { text: 'bye', label: 0, where: `${path}:5` },
    ]);
  });

  it('reads CSV pairs with named labels', async () => {
    const path = file('pairs.csv', 'label,text_a,text_b\nentailment,It rains.,It is wet.\ncontradiction,It rains.,It is dry.\n');
    expect(await readExamples(path)).toEqual([
      { text: 'It rains.', textPair: 'It is wet.', label: 'entailment', where: `${path}:2` },
      { text: 'It rains.', textPair: 'It is dry.', label: 'contradiction', where: `${path}:3` },
    ]);
  });

  it.each([
    ['missing text', 'a.jsonl', '{"text": "ok", "label": 1}\n{"label": 1}\n', ':2: no "text" (a row needs "text" (or "text_a" and "text_b" for pairs) and "label")'],
    ['empty text', 'a.jsonl', '{"text": "", "label": 1}\n', ':1: "text" is empty'],
    ['a text that is not a string', 'a.jsonl', '{"text": 5, "label": 1}\n', ':1: "text" must be a string, got number'],
    ['half a pair', 'a.jsonl', '{"text_a": "x", "label": 1}\n', ':1: "text_b" must be a string, got undefined'],
    ['a missing label', 'a.jsonl', '{"text": "x"}\n', ':1: "label" must be a class name or a non-negative integer class id, got missing'],
    ['a fractional label', 'a.jsonl', '{"text": "x", "label": 1.5}\n', ':1: "label" must be a class name or a non-negative integer class id, got 1.5'],
    ['a negative label', 'a.jsonl', '{"text": "x", "label": -1}\n', ':1: "label" must be a class name or a non-negative integer class id, got -1'],
    ['bad JSON', 'a.jsonl', '{"text": "x", "label": 0}\n{"text": \n', ':2: not valid JSON'],
    ['a JSON array', 'a.jsonl', '["x", 0]\n', ':1: expected a JSON object with "text" (or "text_a" and "text_b" for pairs) and "label"'],
    ['mixed label kinds', 'a.jsonl', '{"text": "x", "label": "pos"}\n{"text": "y", "label": 1}\n', ':2: label 1 is an integer class id, but '],
    ['mixed label kinds in CSV', 'a.csv', 'text,label\nx,pos\ny,1\n', ':3: label 1 is an integer class id, but '],
    ['singles and pairs mixed', 'a.jsonl', '{"text": "x", "label": 0}\n{"text_a": "x", "text_b": "y", "label": 1}\n', ':2: holds a text pair, but '],
    ['a CSV header without text', 'a.csv', 'sentence,label\nx,0\n', ':1: the header names "sentence", "label"; a CSV needs columns text,label or text_a,text_b,label'],
    ['a CSV row with an extra field', 'a.csv', 'text,label\nx,0\ny,1,2\n', ':3: Invalid Record Length: columns length is 2, got 3 on line 3'],
    ['an empty CSV label', 'a.csv', 'text,label\nx,\n', ':2: "label" must be a class name or a non-negative integer class id, got ""'],
  ])('names the file and line of %s', async (_what, name, text, message) => {
    const path = file(name, text);
    const error = await readExamples(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(`${path}${message}`);
    expect((error as Error).message).not.toContain('\n');
  });

  it('refuses an empty file, an unknown extension and a missing file in one line', async () => {
    const empty = file('empty.jsonl', '\n\n');
    await expect(readExamples(empty)).rejects.toThrow(`${empty} holds no examples (each row needs "text" (or "text_a" and "text_b" for pairs) and "label")`);
    const txt = file('data.txt', 'x\n');
    await expect(readExamples(txt)).rejects.toThrow(`${txt}: cannot tell its format from the name; use a .jsonl file (one JSON object per line) or a .csv file with a header`);
    await expect(readExamples(join(dir, 'absent.csv'))).rejects.toThrow(`${join(dir, 'absent.csv')}: cannot read the data (ENOENT`);
  });
});

describe('labels', () => {
  const examples = (labels: (string | number)[]) => labels.map((label, i) => ({ text: 'x', label, where: `train.jsonl:${i + 1}` }));

  it('numbers class names in code-point order, as Python sorts strings', () => {
    // UTF-16 order would put U+1F600 (a surrogate pair, 0xD83D…) before U+FF21; code points do not.
    const labels = labelSetOf(examples(['neg', 'pos', 'Neutral', '\uff21', '😀', 'neg']));
    expect(labels.id2label).toEqual(['Neutral', 'neg', 'pos', '\uff21', '😀']);
    expect([...labels.label2id]).toEqual([['Neutral', 0], ['neg', 1], ['pos', 2], ['\uff21', 3], ['😀', 4]]);
    expect(classIds(examples(['pos', '😀']), labels)).toEqual([2, 4]);
  });

  it('takes integer labels as class ids 0…max, named LABEL_i', () => {
    const labels = labelSetOf(examples([2, 0, 2]));
    expect(labels.id2label).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
    expect(classIds(examples([1, 2]), labels)).toEqual([1, 2]);
  });

  it('refuses eval labels the training data does not have, or of the other kind, naming the row', () => {
    const names = labelSetOf(examples(['neg', 'pos']));
    const evalRows = [{ text: 'x', label: 'pos', where: 'eval.csv:2' }, { text: 'y', label: 'neutral', where: 'eval.csv:3' }];
    expect(() => classIds(evalRows, names)).toThrow('eval.csv:3: label "neutral" is not a class of the training data ("neg", "pos")');
    expect(() => classIds([{ text: 'x', label: 0, where: 'eval.csv:2' }], names)).toThrow(
      'eval.csv:2: label 0 is an integer class id, but train.jsonl:1 has a class name ("neg"); use names or ids throughout',
    );
    const ids = labelSetOf(examples([0, 1]));
    expect(() => classIds([{ text: 'x', label: 2, where: 'eval.csv:2' }], ids)).toThrow('eval.csv:2: label 2 is not a class of the training data (0…1)');
  });

  it('refuses training data with one class', () => {
    expect(() => labelSetOf(examples(['pos', 'pos']))).toThrow('train.jsonl:1: the training data has one class ("pos"); a classifier needs at least two');
  });
});
