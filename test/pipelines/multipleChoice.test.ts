// encodeChoices: the [1, choices, seq] input RobertaForMultipleChoice takes, each row the pair
// <s> prompt </s></s> choice </s> padded to the longest, run through HF's tiny-mc model.

import '../../index.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import { disposeOutput } from '../../model/roberta.js';
import { encodeChoices } from '../../pipelines/multipleChoice.js';
import { loadTokenizer } from '../../tokenizer/index.js';
import { fixtureDir } from '../model/fixtureModels.js';
import { TINY_TOK_SPELLING, tinyModelDir } from './tinyModelDir.js';

// tiny-tok's spelled vocabulary: ids that fit tiny-mc's 1000.
const TOKENIZER_DIR = tinyModelDir('tiny-tok', undefined, TINY_TOK_SPELLING).dir;

describe('encodeChoices', () => {
  it('pairs the prompt with each choice, padded to the longest, as one example of [choices, seq]', async () => {
    const tokenizer = await loadTokenizer(TOKENIZER_DIR);
    const { inputIds, attentionMask } = encodeChoices(tokenizer, 'Kim Lee', ['Park', 'Liz in Rome.']);
    // Kim ĠLee | Park → P a r k (no 'Park' token without the space): 4 pieces; Li z Ġin ĠRo me . : 6.
    expect(inputIds).toEqual([
      [
        [0, 841, 879, 2, 2, ...tokenizer.encode('Park', undefined, { addSpecialTokens: false }).ids, 2, 1, 1],
        [0, 841, 879, 2, 2, 70, 954, 649, 901, 883, 338, 2],
      ],
    ]);
    expect(attentionMask).toEqual([[[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0], new Array(12).fill(1)]]);

    // The multiple-choice model scores each row as it scores that row alone: padding changes nothing.
    const model = await fromPretrained(fixtureDir('tiny-mc'));
    const together = model.forward({ inputIds, attentionMask });
    expect(together.logits!.shape).toEqual([1, 2]);
    const scores = Array.from(await together.logits!.data());
    for (const c of [0, 1]) {
      const length = attentionMask[0][c].filter((m) => m === 1).length;
      const alone = model.forward({ inputIds: [[inputIds[0][c].slice(0, length)]] });
      expect(Math.abs((await alone.logits!.data())[0] - scores[c])).toBeLessThan(1e-5);
      disposeOutput(alone);
    }
    disposeOutput(together);
    model.dispose();
  });

  it('refuses no choices and non-string input', async () => {
    const tokenizer = await loadTokenizer(TOKENIZER_DIR);
    expect(() => encodeChoices(tokenizer, 'Kim', [])).toThrow('encodeChoices: choices must be a non-empty array of strings');
    expect(() => encodeChoices(tokenizer, 3 as unknown as string, ['a'])).toThrow('encodeChoices: the prompt must be a string');
  });
});
