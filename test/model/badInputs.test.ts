// Every bad input to the model gets a clear error naming the problem, before any kernel runs.

import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../index.js';
import { liveCounts } from '../../engine/tensor.js';
import { fromPretrained } from '../../model/fromPretrained.js';
import type { AnyRobertaModel } from '../../model/roberta.js';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { encodeSafetensors } from '../../model/weights/safetensorsWriter.js';
import { makeTempDir } from '../tempDir.js';
import { fixtureDir } from './fixtureModels.js';

function dirWith(edit: { config?: (c: Record<string, unknown>) => void; weights?: (w: Map<string, { shape: readonly number[]; data: Float32Array | Int32Array }>) => void }): string {
  const src = fixtureDir('tiny-cls');
  const dir = makeTempDir('bad');
  const config = JSON.parse(readFileSync(join(src, 'config.json'), 'utf8'));
  edit.config?.(config);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  if (edit.weights) {
    const file = join(src, 'model.safetensors');
    const weights = safetensorsTensors(parseSafetensors(readFileSync(file), file));
    edit.weights(weights);
    writeFileSync(join(dir, 'model.safetensors'), encodeSafetensors(Object.fromEntries([...weights].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.data }]))));
  } else {
    copyFileSync(join(src, 'model.safetensors'), join(dir, 'model.safetensors'));
  }
  return dir;
}

describe('bad weights and configs', () => {
  it('a missing tensor names the key and the expected shape', async () => {
    const dir = dirWith({ weights: (w) => w.delete('roberta.encoder.layer.1.output.dense.weight') });
    await expect(fromPretrained(dir)).rejects.toThrow('missing tensor "encoder.layer.1.output.dense.weight" (expected shape [32,64], float32)');
  });

  it('a misshaped tensor names the key, its shape and the expected one', async () => {
    const dir = dirWith({ weights: (w) => w.set('classifier.out_proj.bias', { shape: [3], data: new Float32Array(3) }) });
    await expect(fromPretrained(dir)).rejects.toThrow('tensor "classifier.out_proj.bias" has shape [3], expected [4]');
  });

  it('a config with more layers than the weights have is an error, not random layers', async () => {
    const dir = dirWith({ config: (c) => (c.num_hidden_layers = 3) });
    await expect(fromPretrained(dir)).rejects.toThrow('missing tensor "encoder.layer.2.attention.self.query.weight"');
  });

  it('heads that do not divide the hidden size', async () => {
    const dir = dirWith({ config: (c) => (c.num_attention_heads = 5) });
    await expect(fromPretrained(dir)).rejects.toThrow(/num_attention_heads/);
  });

  it('an unknown architecture', async () => {
    const dir = dirWith({ config: (c) => (c.architectures = ['RobertaForCausalLM']) });
    await expect(fromPretrained(dir)).rejects.toThrow(
      'config.architectures names RobertaForCausalLM; supported: RobertaModel, RobertaForSequenceClassification, RobertaForMaskedLM, ' +
        'RobertaForTokenClassification, RobertaForQuestionAnswering, RobertaForMultipleChoice',
    );
  });

  it('a directory without weights', async () => {
    const dir = makeTempDir('empty');
    copyFileSync(join(fixtureDir('tiny'), 'config.json'), join(dir, 'config.json'));
    await expect(fromPretrained(dir)).rejects.toThrow(/model\.safetensors/);
  });
});

describe('bad model inputs', () => {
  let model: AnyRobertaModel;
  beforeAll(async () => {
    model = await fromPretrained(fixtureDir('tiny-cls'));
  });
  afterAll(() => model.dispose());

  const cases: [string, Parameters<AnyRobertaModel['forward']>[0], string | RegExp][] = [
    ['id ≥ vocab_size', { inputIds: [[0, 1000, 2]] }, 'input_ids[0][1] = 1000 is out of range: token ids (vocab_size 1000) must be in [0, 999]'],
    ['negative id', { inputIds: [[0, -1, 2]] }, 'input_ids[0][1] = -1 is out of range'],
    ['non-integer id', { inputIds: [[0, 1.5, 2]] }, 'input_ids[0][1] must be an integer, got 1.5'],
    ['ragged rows', { inputIds: [[0, 5, 2], [0, 2]] }, 'input_ids is ragged: row 1 has 2 entries, expected 3'],
    ['empty batch', { inputIds: [] }, 'input_ids must be a non-empty array of rows'],
    ['sequence too long', { inputIds: [Array.from({ length: 63 }, () => 5)] }, 'sequence too long: 63 tokens, this model takes at most 62'],
    ['mask of the wrong shape', { inputIds: [[0, 5, 2]], attentionMask: [[1, 1]] }, 'attention_mask is ragged: row 0 has 2 entries, expected 3'],
    ['mask values other than 0/1', { inputIds: [[0, 5, 2]], attentionMask: [[1, 2, 1]] }, 'attention_mask[0][1] = 2 is out of range'],
    ['token type ≥ type_vocab_size', { inputIds: [[0, 5, 2]], tokenTypeIds: [[0, 1, 0]] }, 'token_type_ids[0][1] = 1 is out of range: token type ids (type_vocab_size 1) must be in [0, 0]'],
  ];
  for (const [what, inputs, message] of cases) {
    it(`${what} → a clear error, and no tensor leaks`, () => {
      const before = liveCounts().tensors;
      expect(() => model.forward(inputs)).toThrow(message);
      expect(liveCounts().tensors).toBe(before);
    });
  }

  it('62 tokens (the longest allowed) run', async () => {
    const out = model.forward({ inputIds: [Array.from({ length: 62 }, () => 5)] });
    expect(out.logits!.shape).toEqual([1, 4]);
    out.logits!.dispose();
    out.lastHiddenState.dispose();
  });
});
