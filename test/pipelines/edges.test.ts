// The pipelines at the edges of valid input, held to what transformers 4.36.2 does: where HF
// accepts a model or a text, so do we, with HF's numbers (its logits for the tiny fixtures' rows);
// where HF fails, we fail too, with a one-line error that names the input. Each case cites the HF
// code that decides it.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../index.js';
import type { Backend, BackendName } from '../../engine/backend.js';
import { disposeBackends, getBackendByName } from '../../engine/select.js';
import { InputError } from '../../model/inputs.js';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { encodeSafetensors } from '../../model/weights/safetensorsWriter.js';
import { AutoModel } from '../../pipelines/auto.js';
import { pipeline } from '../../pipelines/pipeline.js';
import { runCli } from '../cli/runCli.js';
import { fixtureExpected } from '../model/fixtureModels.js';
import { best, row, sigmoid, softmax } from './logitScores.js';
import { tinyModelDir } from './tinyModelDir.js';

afterAll(disposeBackends);

const LABELS = ['anger', 'joy', 'optimism', 'sadness'];
const clsLogits = fixtureExpected('tiny-cls').get('logits')!.data; // [3, 4]
/** HF's logits of tiny-cls for fixture row r (row 0 is "abc", row 1 "defghij" in the tiny vocabulary). */
const hfLogits = (r: number) => row(clsLogits, r, 4);

function editJson(dir: string, file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(join(dir, file), JSON.stringify(json));
}

/**
 * Gives the tokenizer one token more than the model has embeddings: "~~" (id 1000, one past
 * vocab_size 1000), made by a merge, so a text holding "~~" encodes to it and other texts do not.
 */
function addTokenPastTheTable(dir: string): void {
  editJson(dir, 'vocab.json', (vocab) => (vocab['~~'] = 1000));
  writeFileSync(join(dir, 'merges.txt'), '#version: 0.2\n~ ~\n');
}

/** Expects `run` to fail with an InputError whose message is exactly `message`. */
async function expectInputError(run: Promise<unknown>, message: string): Promise<void> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toBe(message);
}

describe('a tokenizer with more tokens than the model has embeddings', () => {
  // transformers' pipeline() (pipelines/__init__.py) never compares len(tokenizer) with
  // config.vocab_size: the pair loads, every text whose ids fit runs, and a text with an id past the
  // table fails in RobertaEmbeddings' nn.Embedding lookup (IndexError). Here the check runs on the
  // host before anything is uploaded, so no backend's kernel ever reads past the table.
  const cls = tinyModelDir('tiny-cls');
  addTokenPastTheTable(cls.dir);
  const abc = cls.texts[0] as string;
  const tooFar = `input 1 ("${abc}~~"): input_ids[1][4] = 1000 (token "~~") is outside the embedding table (vocab_size 1000; the tokenizer has 1001 tokens)`;

  const backends: BackendName[] = ['cpu', 'wasm', 'gpujs', 'webgpu'];
  it.each(backends)('%s: loads with a warning, classifies a text that fits as HF does, refuses the one that does not', async (name) => {
    const log: string[] = [];
    const classifier = await pipeline('text-classification', cls.dir, { backend: await getBackendByName(name), batchSize: 1, log: (line) => log.push(line) });
    try {
      expect(log).toContain("warning: the tokenizer has 1001 tokens but the model's vocab_size is 1000; a text using an id from 1000 on will be refused");
      const [top] = await classifier.run(abc);
      const want = best(softmax(hfLogits(0)), 1)[0];
      expect(top.label).toBe(LABELS[want.index]);
      expect(Math.abs(top.score - want.score)).toBeLessThan(1e-5);
      await expectInputError(classifier.run([abc, `${abc}~~`]), tooFar);
    } finally {
      classifier.dispose();
    }
  });

  it('the refusal comes before any upload: no storage is made, so no kernel runs (pipeline and AutoModel alike)', async () => {
    const cpu = await getBackendByName('cpu');
    let uploads = 0;
    const counting = new Proxy(cpu, {
      get(target, key) {
        const value: unknown = Reflect.get(target, key, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (key === 'upload' || key === 'uploadFrom') uploads++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Backend;
    const classifier = await pipeline('text-classification', cls.dir, { backend: counting });
    const model = await AutoModel.fromPretrained(cls.dir, { backend: counting });
    try {
      const before = uploads;
      await expectInputError(classifier.run(['abc', `${abc}~~`]), tooFar);
      expect(() => model.forward({ inputIds: [[0, 5, 2], [0, 1000, 2]] })).toThrow(
        new InputError('input_ids[1][1] = 1000 is out of range: token ids (vocab_size 1000) must be in [0, 999]'),
      );
      expect(uploads).toBe(before);
    } finally {
      classifier.dispose();
      model.dispose();
    }
  });

  describe('the commands', () => {
    const mlm = tinyModelDir('tiny-mlm', [1, 4]);
    addTokenPastTheTable(mlm.dir);
    const base = tinyModelDir('tiny');
    addTokenPastTheTable(base.dir);
    const cases: [string, string, string, number][] = [
      // [command, model dir, a text that fits, tokens in it before the "~~"]
      ['classify', cls.dir, abc, 4],
      ['fill-mask', mlm.dir, mlm.texts[1] as string, 1 + (mlm.texts[1] as string).length - '<mask>'.length + 1],
      ['embed', base.dir, base.texts[0] as string, 1 + (base.texts[0] as string).length],
    ];
    it.each(cases)('%s runs the text that fits and names the one that does not', async (command, dir, text, at) => {
      const ok = await runCli([command, '--model', dir, text]);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout.length).toBeGreaterThan(0);
      const bad = await runCli([command, '--model', dir, `${text}~~`]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toBe(
        `roberta ${command}: input 0 (${JSON.stringify(`${text}~~`)}): input_ids[0][${at}] = 1000 (token "~~") is outside the embedding table (vocab_size 1000; the tokenizer has 1001 tokens)\n`,
      );
    });
  });
});

describe('a model with more embeddings than the tokenizer has tokens', () => {
  // Tables padded to a round size leave ids no token names. HF's fill-mask decodes a candidate
  // with tokenizer.decode, and the fast tokenizer (tokenizers' decode: ids with no token are
  // skipped) turns such an id into nothing, so the candidate is kept with token_str "".
  it('fill-mask ranks every id by HF\'s logits; an id with no token reads "" and leaves the sequence unfilled', async () => {
    const { dir, texts } = tinyModelDir('tiny-mlm', [1, 4]);
    editJson(dir, 'vocab.json', (vocab) => {
      for (const token of Object.keys(vocab)) if (token.startsWith('<unused')) delete vocab[token];
    });
    const logits = fixtureExpected('tiny-mlm').get('logits')!.data; // [3, 12, 1000]
    const want = best(softmax(row(logits, 1 * 12 + 4, 1000)), 20);
    const filler = await pipeline('fill-mask', dir);
    try {
      expect(filler.tokenizer.vocabSize).toBeLessThan(1000);
      const text = texts[1] as string;
      const [[candidates]] = await filler.run(text, { topK: 20 });
      expect(candidates.map((c) => c.token)).toEqual(want.map((w) => w.index));
      candidates.forEach((c, k) => expect(Math.abs(c.score - want[k].score)).toBeLessThan(1e-5));
      const nameless = candidates.filter((c) => filler.tokenizer.idToToken(c.token) === undefined);
      expect(nameless.length).toBeGreaterThan(0);
      for (const c of nameless) expect([c.token_str, c.sequence]).toEqual(['', text.replace('<mask>', '')]);
    } finally {
      filler.dispose();
    }
  });
});

describe('scores: TextClassificationPipeline.postprocess defaults (transformers 4.36.2)', () => {
  // 4.36.2: multi_label_classification or num_labels == 1 → sigmoid; single_label_classification
  // or num_labels > 1 → softmax. problem_type "regression" has no rule of its own there.
  it.each([
    ['no problem_type, 4 labels → softmax', {}, softmax(hfLogits(0))],
    ['single_label_classification → softmax', { problem_type: 'single_label_classification' }, softmax(hfLogits(0))],
    ['multi_label_classification → sigmoid', { problem_type: 'multi_label_classification' }, sigmoid(hfLogits(0))],
    ['regression with 4 labels → softmax (num_labels > 1)', { problem_type: 'regression' }, softmax(hfLogits(0))],
  ])('%s', async (_, keys, want) => {
    const { dir, texts } = tinyModelDir('tiny-cls');
    editJson(dir, 'config.json', (config) => Object.assign(config, keys));
    const classifier = await pipeline('text-classification', dir);
    try {
      const [scores] = await classifier.run([texts[0] as string], { topK: null });
      expect(scores).toHaveLength(4);
      for (const { label, score } of scores) expect(Math.abs(score - want[LABELS.indexOf(label)])).toBeLessThan(1e-5);
    } finally {
      classifier.dispose();
    }
  });

  describe('a single-logit head (tiny-cls cut to its first output: its logit is HF logit 0)', () => {
    const { dir, texts } = tinyModelDir('tiny-cls');
    const file = join(dir, 'model.safetensors');
    const weights = safetensorsTensors(parseSafetensors(readFileSync(file), file));
    const firstRow = (name: string, width: number) => ({ dtype: 'F32' as const, shape: width === 1 ? [1] : [1, width], data: weights.get(name)!.data.slice(0, width) as Float32Array });
    const edited = Object.fromEntries([...weights].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.data as Float32Array }]));
    edited['classifier.out_proj.weight'] = firstRow('classifier.out_proj.weight', 32);
    edited['classifier.out_proj.bias'] = firstRow('classifier.out_proj.bias', 1);
    writeFileSync(file, encodeSafetensors(edited));

    it.each([
      ['num_labels 1 → sigmoid', { id2label: { 0: 'score' }, label2id: { score: 0 } }],
      ['regression with one label → sigmoid, like any single logit', { id2label: { 0: 'score' }, label2id: { score: 0 }, problem_type: 'regression' }],
    ])('%s', async (_, keys) => {
      editJson(dir, 'config.json', (config) => Object.assign(config, keys));
      const classifier = await pipeline('text-classification', dir);
      try {
        const [[top]] = await classifier.run([texts[1] as string]);
        expect(top.label).toBe('score');
        expect(Math.abs(top.score - sigmoid(hfLogits(1))[0])).toBeLessThan(1e-5);
        // function_to_apply="none" gives the logit itself (the way to read a regression score).
        const [[raw]] = await classifier.run([texts[1] as string], { functionToApply: 'none' });
        expect(Math.abs(raw.score - hfLogits(1)[0])).toBeLessThan(1e-5);
      } finally {
        classifier.dispose();
      }
    });
  });
});

describe('labels: PretrainedConfig.__init__ reads id2label with int(key); postprocess looks up config.id2label[i]', () => {
  it('without id2label, num_labels names the classes LABEL_0 … (PretrainedConfig.num_labels setter)', async () => {
    const { dir, texts } = tinyModelDir('tiny-cls');
    editJson(dir, 'config.json', (config) => {
      delete config.id2label;
      delete config.label2id;
      config.num_labels = 4;
    });
    const classifier = await pipeline('text-classification', dir);
    try {
      const [top] = await classifier.run(texts[0] as string);
      expect(top.label).toBe(`LABEL_${best(softmax(hfLogits(0)), 1)[0].index}`);
    } finally {
      classifier.dispose();
    }
  });

  it('top_k past num_labels gives every label, top_k 0 none (postprocess slices dict_scores[:top_k])', async () => {
    const { dir, texts } = tinyModelDir('tiny-cls');
    const classifier = await pipeline('text-classification', dir);
    try {
      const [all] = await classifier.run([texts[0] as string], { topK: 10 });
      expect(all.map((s) => s.label)).toEqual(best(softmax(hfLogits(0)), 4).map((w) => LABELS[w.index]));
      expect(await classifier.run([texts[0] as string], { topK: 0 })).toEqual([[]]);
    } finally {
      classifier.dispose();
    }
  });

  it('label2id loads unchecked; zero-shot fails clearly where it points past the outputs (HF: IndexError on logits[..., entailment_id])', async () => {
    const { dir, texts } = tinyModelDir('tiny-cls');
    editJson(dir, 'config.json', (config) => (config.label2id = { contradiction: 0, neutral: 1, entailment: 7 }));
    const zeroShot = await pipeline('zero-shot-classification', dir);
    try {
      await expect(zeroShot.run(texts[0] as string, ['a', 'b'])).rejects.toThrow(
        'zero-shot-classification: label2id puts the entailment label at 7, but the model has 4 outputs',
      );
    } finally {
      zeroShot.dispose();
    }
  });

  it('keys that skip an index load; the unnamed class is an error only when it must be shown (HF: KeyError)', async () => {
    const { dir, texts } = tinyModelDir('tiny-cls');
    const winner = best(softmax(hfLogits(0)), 1)[0].index;
    const unnamed = (winner + 1) % 4;
    const id2label = Object.fromEntries(LABELS.map((label, i) => [i === unnamed ? '7' : ` ${i}`, label]));
    editJson(dir, 'config.json', (config) => (config.id2label = id2label));
    const classifier = await pipeline('text-classification', dir);
    try {
      // The legacy default (top_k 1) reads only the best class's name.
      const [top] = await classifier.run(texts[0] as string);
      expect(top.label).toBe(LABELS[winner]);
      expect(Math.abs(top.score - softmax(hfLogits(0))[winner])).toBeLessThan(1e-5);
      await expect(classifier.run(texts[0] as string, { topK: null })).rejects.toThrow(`text-classification: the model's id2label has no name for class ${unnamed}`);
    } finally {
      classifier.dispose();
    }
  });
});

describe('length: no truncation unless asked, as in the 4.36.2 pipelines', () => {
  // TextClassificationPipeline.preprocess, FillMaskPipeline.preprocess and
  // FeatureExtractionPipeline.preprocess hand the tokenizer only the kwargs the caller gave
  // (feature_extraction.py's _sanitize_parameters sets truncation only when passed); with none, a
  // text longer than the position table fails in the model (IndexError in the position lookup).
  const { dir, texts } = tinyModelDir('tiny-cls');
  const short = texts[1] as string; // fixture row 1: 7 tokens, 9 with <s> and </s>
  const long = short + (texts[0] as string).repeat(30); // 7 + 90 tokens

  it('a too-long text is an error naming its length and the limit', async () => {
    const classifier = await pipeline('text-classification', dir);
    try {
      await expectInputError(
        classifier.run(['abc', long]),
        `input 1 (${JSON.stringify(`${long.slice(0, 40)}…`)}) has 99 tokens, but this model takes at most 62 (max_position_embeddings 64); set truncation to cut it`,
      );
    } finally {
      classifier.dispose();
    }
  });

  it('truncation: true with max_length cuts to it (PreTrainedTokenizerBase truncation, right side): HF logits of the kept tokens', async () => {
    const classifier = await pipeline('text-classification', dir);
    try {
      const [scores] = await classifier.run([long], { topK: null, truncation: true, maxLength: 9 });
      const want = softmax(hfLogits(1));
      expect(scores).toHaveLength(4);
      for (const { label, score } of scores) expect(Math.abs(score - want[LABELS.indexOf(label)])).toBeLessThan(1e-5);
      // A max_length past the position table cuts too little: the length error again.
      await expect(classifier.run([long], { truncation: true, maxLength: 100 })).rejects.toThrow('has 99 tokens, but this model takes at most 62');
    } finally {
      classifier.dispose();
    }
  });

  it("truncation: true without max_length cuts to the tokenizer's model_max_length (tokenizer_config.json), else to what the model takes", async () => {
    const extractor = await pipeline('feature-extraction', dir);
    try {
      const [vectors] = (await extractor.run([long], { truncation: true })) as number[][][];
      expect(vectors).toHaveLength(62);
    } finally {
      extractor.dispose();
    }
    const limited = tinyModelDir('tiny-cls');
    writeFileSync(join(limited.dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 9 }));
    const classifier = await pipeline('text-classification', limited.dir);
    try {
      const [top] = await classifier.run(long, { truncation: true });
      const want = best(softmax(hfLogits(1)), 1)[0];
      expect(top.label).toBe(LABELS[want.index]);
      expect(Math.abs(top.score - want.score)).toBeLessThan(1e-5);
    } finally {
      classifier.dispose();
    }
  });

  it('fill-mask and feature-extraction do not truncate by default either', async () => {
    const mlm = tinyModelDir('tiny-mlm', [1, 4]);
    const filler = await pipeline('fill-mask', mlm.dir);
    const extractor = await pipeline('feature-extraction', dir);
    try {
      const masked = (mlm.texts[1] as string) + 'a'.repeat(60);
      await expect(filler.run(masked)).rejects.toThrow(new RegExp(`^input 0 \\(.*\\) has ${(mlm.texts[1] as string).length - 5 + 60 + 2} tokens, but this model takes at most 62`));
      await expect(extractor.run(long)).rejects.toThrow(/^input 0 \(.*\) has 99 tokens, but this model takes at most 62/);
    } finally {
      filler.dispose();
      extractor.dispose();
    }
  });

  it('the commands refuse a too-long text and cut it with --truncation', async () => {
    const refused = await runCli(['classify', '--model', dir, long]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^roberta classify: input 0 \(.*\) has 99 tokens, but this model takes at most 62 \(max_position_embeddings 64\); set truncation to cut it\n$/);
    const cut = await runCli(['embed', '--model', dir, '--pooling', 'none', '--truncation', long]);
    expect(cut.code).toBe(0);
    expect(JSON.parse(cut.stdout)).toHaveLength(62);
  });
});

describe('empty and blank texts', () => {
  // PreTrainedTokenizerBase.__call__ encodes "" to <s></s> (build_inputs_with_special_tokens on no
  // tokens) and the pipelines run it like any text; a whitespace-only text is its own byte-level tokens.
  const { dir } = tinyModelDir('tiny');

  it('"" gives the <s> and </s> vectors; "   " three Ġ tokens between them', async () => {
    const extractor = await pipeline('feature-extraction', dir);
    try {
      const [empty, blank] = (await extractor.run(['', '   '])) as number[][][];
      expect(empty).toHaveLength(2);
      expect(blank).toHaveLength(5);
      expect(extractor.tokenizer.encode('   ').tokens).toEqual(['<s>', 'Ġ', 'Ġ', 'Ġ', '</s>']);
    } finally {
      extractor.dispose();
    }
  });

  it('"" is classified: four scores that sum to 1', async () => {
    const cls = tinyModelDir('tiny-cls');
    const classifier = await pipeline('text-classification', cls.dir);
    try {
      const [scores] = await classifier.run([''], { topK: null });
      expect(scores.map((s) => s.label).sort()).toEqual([...LABELS].sort());
      expect(scores.reduce((sum, s) => sum + s.score, 0)).toBeCloseTo(1, 6);
    } finally {
      classifier.dispose();
    }
  });

  it('an empty list gives an empty list (Pipeline.__call__ over no inputs)', async () => {
    const extractor = await pipeline('feature-extraction', dir);
    try {
      expect(await extractor.run([])).toEqual([]);
    } finally {
      extractor.dispose();
    }
  });

  it('fill-mask needs a <mask> in every text (HF: PipelineException "No mask_token"), and names the text across batches', async () => {
    const mlm = tinyModelDir('tiny-mlm', [1, 4]);
    const filler = await pipeline('fill-mask', mlm.dir, { batchSize: 1 });
    try {
      await expect(filler.run('')).rejects.toThrow('fill-mask: no <mask> token in input ""');
      await expect(filler.run([mlm.texts[1] as string, 'abc'])).rejects.toThrow('fill-mask: no <mask> token in input "abc"');
    } finally {
      filler.dispose();
    }
  });
});
