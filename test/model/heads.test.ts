// The token-classification, question-answering and multiple-choice models beyond their parity with
// HF (modelParity.ts): the class config.architectures picks, the outputs each returns, how multiple
// choice lays out examples and choices, and a clear error for every input or checkpoint they refuse.

import '../../index.js';
import { liveCounts } from '../../engine/tensor.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import type { ModelInputs } from '../../model/inputs.js';
import {
  disposeOutput,
  namedOutputs,
  RobertaForMultipleChoice,
  RobertaForQuestionAnswering,
  RobertaForTokenClassification,
  type AnyRobertaModel,
} from '../../model/roberta.js';
import { fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff, type ChoiceInputs } from './fixtureModels.js';
import { writeVariant } from './onnx/variantModels.js';

describe('fromPretrained builds the class config.architectures names', () => {
  const cases = [
    ['tiny-tok', RobertaForTokenClassification, false, { last_hidden_state: [3, 12, 32], logits: [3, 12, 5] }],
    ['tiny-qa', RobertaForQuestionAnswering, false, { last_hidden_state: [3, 12, 32], start_logits: [3, 12], end_logits: [3, 12] }],
    // HF's MultipleChoiceModelOutput has no pooler_output although the encoder keeps its pooler.
    ['tiny-mc', RobertaForMultipleChoice, true, { last_hidden_state: [4, 11, 32], logits: [1, 4] }],
  ] as const;
  for (const [name, cls, pooler, shapes] of cases) {
    it(`${name}: a ${cls.name}${pooler ? ' with' : ' without'} a pooler, returning ${Object.keys(shapes).join(', ')}`, async () => {
      const model = await fromPretrained(fixtureDir(name));
      expect(model).toBeInstanceOf(cls);
      expect(model.architecture).toBe(cls.name);
      expect((model as InstanceType<typeof cls>).roberta.pooler !== undefined).toBe(pooler);
      const { input_ids: inputIds, attention_mask: attentionMask } = fixtureInputs(name);
      const out = model.forward({ inputIds, attentionMask });
      const named = namedOutputs(out);
      expect(Object.fromEntries([...named].map(([k, t]) => [k, t.shape]))).toEqual(shapes);
      disposeOutput(out);
      model.dispose();
    });
  }
});

describe('multiple choice: examples and choices', () => {
  let model: AnyRobertaModel;
  const hf = fixtureExpected('tiny-mc').get('logits')!.data; // [1, 4]
  const { input_ids: ids, attention_mask: mask } = fixtureInputs('tiny-mc') as ChoiceInputs;
  beforeAll(async () => {
    model = await fromPretrained(fixtureDir('tiny-mc'));
  });
  afterAll(() => model.dispose());

  async function logitsOf(inputs: ModelInputs): Promise<{ shape: readonly number[]; data: Float32Array }> {
    const out = model.forward(inputs);
    const result = { shape: out.logits!.shape, data: (await out.logits!.data()) as Float32Array };
    disposeOutput(out);
    return result;
  }

  it('two examples, the second with its choices reversed: one row of logits each, in the choices’ order', async () => {
    const reversed = (m: number[][][]) => [m[0], [...m[0]].reverse()];
    const { shape, data } = await logitsOf({ inputIds: reversed(ids), attentionMask: reversed(mask) });
    expect(shape).toEqual([2, 4]);
    const want = [...hf, ...[...hf].reverse()];
    expect(maxAbsDiff(data, want)).toBeLessThanOrEqual(1e-4);
    // The choices score differently, so a wrong layout could not pass.
    expect(Math.max(...hf) - Math.min(...hf)).toBeGreaterThan(1e-2);
  });

  it('explicit all-zero token_type_ids [batch, choices, seq] give HF’s logits', async () => {
    const zeros = ids.map((example) => example.map((row) => row.map(() => 0)));
    const { data } = await logitsOf({ inputIds: ids, attentionMask: mask, tokenTypeIds: zeros });
    expect(maxAbsDiff(data, hf)).toBeLessThanOrEqual(1e-4);
  });

  const bad: [string, ModelInputs, string][] = [
    ['2-D input_ids', { inputIds: [[0, 5, 2]] }, "RobertaForMultipleChoice takes input_ids of shape [batch, choices, seq], got [batch, seq]: put each example's choices in an array of their own"],
    ['ragged choices', { inputIds: [[[0, 5, 2], [0, 6, 2]], [[0, 5, 2]]] }, 'input_ids has ragged choices: example 1 has 1, expected 2 (like example 0)'],
    ['choices of different lengths', { inputIds: [[[0, 5, 2], [0, 6]]] }, 'input_ids is ragged: example 0 choice 1 has 2 entries, expected 3 (like example 0); pad every choice to one length'],
    ['an example that is not an array of choices', { inputIds: [[[0, 5, 2]], [0, 5, 2]] as unknown as ModelInputs['inputIds'] }, 'input_ids[1] must be an array of choices'],
    ['empty', { inputIds: [] }, 'input_ids must be a non-empty array of examples'],
    ['a mask with fewer choices', { inputIds: [[[0, 5, 2], [0, 6, 2]]], attentionMask: [[[1, 1, 1]]] }, 'attention_mask has ragged choices: example 0 has 1, expected 2 (like input_ids)'],
    ['a mask for another batch', { inputIds: [[[0, 5, 2]]], attentionMask: [[[1, 1, 1]], [[1, 1, 1]]] }, 'attention_mask has 2 examples, input_ids has 1'],
    ['a 2-D mask', { inputIds: [[[0, 5, 2]]], attentionMask: [[1, 1, 1]] }, 'attention_mask[0] must be an array of choices'],
    ['an id out of range, named by example and choice', { inputIds: [[[0, 5, 2], [0, 6, 2]], [[0, 5, 2], [0, 1000, 2]]] }, 'input_ids[1][1][1] = 1000 is out of range: token ids (vocab_size 1000) must be in [0, 999]'],
    ['a mask value other than 0/1', { inputIds: [[[0, 5, 2]]], attentionMask: [[[1, 2, 1]]] }, 'attention_mask[0][0][1] = 2 is out of range'],
  ];
  for (const [what, inputs, message] of bad) {
    it(`${what} → a clear error, and no tensor leaks`, () => {
      const before = liveCounts().tensors;
      expect(() => model.forward(inputs)).toThrow(message);
      expect(liveCounts().tensors).toBe(before);
    });
  }
});

describe('models that take [batch, seq] refuse choices', () => {
  it('3-D input_ids to a token-classification model name the problem', async () => {
    const model = await fromPretrained(fixtureDir('tiny-tok'));
    expect(() => model.forward({ inputIds: [[[0, 5, 2]]] })).toThrow('input_ids has 3 axes [batch, choices, seq]: only RobertaForMultipleChoice takes choices; this model takes [batch, seq]');
    model.dispose();
  });
});

describe('head weights are checked like every other', () => {
  it('a misshaped qa_outputs names the key, its shape and the expected one', async () => {
    const dir = writeVariant('tiny-qa', { tensors: (t) => t.set('qa_outputs.weight', { dtype: 'float32', shape: [3, 32], data: new Float32Array(96) }) });
    await expect(fromPretrained(dir)).rejects.toThrow('tensor "qa_outputs.weight" has shape [3,32], expected [2,32]');
  });

  it('multiple choice without its pooler: the missing tensor is named', async () => {
    const dir = writeVariant('tiny-mc', { tensors: (t) => t.delete('roberta.pooler.dense.weight') });
    await expect(fromPretrained(dir)).rejects.toThrow('missing tensor "pooler.dense.weight" (expected shape [32,32], float32)');
  });

  it('a token classifier sized for other labels than config.id2label', async () => {
    const dir = writeVariant('tiny-tok', { config: { id2label: { 0: 'O', 1: 'B-PER', 2: 'I-PER' }, label2id: { O: 0, 'B-PER': 1, 'I-PER': 2 } } });
    await expect(fromPretrained(dir)).rejects.toThrow('tensor "classifier.weight" has shape [5,32], expected [3,32]');
  });
});
