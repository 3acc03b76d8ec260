// Where `roberta train --task classification` may start, and what it refuses: a masked-LM folder
// becomes a classifier whose new head is initialised and reported as HF reports it; a classifier of
// other classes, eval labels the training data lacks, and early stopping without eval data are
// refused in one line before any training.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../cli/command.js';
import { trainCommand } from '../../../cli/train.js';
import { fixtureDir } from '../../model/fixtureModels.js';
import { runCli, runCommand } from '../../cli/runCli.js';
import { makeTempDir } from '../../tempDir.js';
import { example, writeTokenizer } from './syntheticTask.js';

const tmp = makeTempDir('fine-tune-start');
const tokenizerDir = join(tmp, 'tokenizer');
writeTokenizer(tokenizerDir); // fewer ids than the fixtures' vocab_size of 1000
const trainFile = join(tmp, 'train.jsonl');
writeFileSync(trainFile, Array.from({ length: 16 }, (_, i) => JSON.stringify(example(1, i))).join('\n'));
const common = ['train', '--task', 'classification', '--tokenizer', tokenizerDir, '--data', trainFile, '--lr', '1e-3', '--batch-size', '8'];

it('fine-tunes a masked-LM folder: the classification head is new, initialised and reported as HF does', async () => {
  const out = join(tmp, 'from-mlm');
  const result = await runCli([...common, '--model', fixtureDir('tiny-mlm'), '--epochs', '1', '--out', out, '--verbose', '--json']);
  expect(result.code).toBe(0);
  expect(result.stderr).toContain(
    `Some weights of RobertaForSequenceClassification were not initialized from the model checkpoint at ${fixtureDir('tiny-mlm')} and are newly initialized: ` +
      "['classifier.dense.bias', 'classifier.dense.weight', 'classifier.out_proj.bias', 'classifier.out_proj.weight']",
  );
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  expect(config).toMatchObject({ architectures: ['RobertaForSequenceClassification'], id2label: { 0: 'negative', 1: 'positive' }, vocab_size: 1000, hidden_size: 32 });
  expect(JSON.parse(result.stdout.trim().split('\n').pop()!)).toMatchObject({ final: true, eval_loss: null, steps: 2 });
}, 60_000);

async function failure(argv: string[]): Promise<Error> {
  try {
    await runCommand(trainCommand, argv);
  } catch (error) {
    return error as Error;
  }
  throw new Error(`roberta train ${argv.join(' ')} succeeded`);
}

it('refuses a classifier of other classes as a starting point', async () => {
  const error = await failure([...common.slice(1), '--model', fixtureDir('tiny-cls'), '--out', join(tmp, 'never')]);
  expect(error).toBeInstanceOf(UsageError);
  expect(error.message).toBe(
    `${join(fixtureDir('tiny-cls'), 'config.json')}: a classifier whose classes it classifies into (id2label {"0":"anger","1":"joy","2":"optimism","3":"sadness"}) ` +
      'are not the data\'s ({"0":"negative","1":"positive"}); start from its base or masked-LM checkpoint',
  );
});

it('names the eval row whose label the training data does not have', async () => {
  const evalFile = join(tmp, 'eval.csv');
  writeFileSync(evalFile, 'text,label\nthe movie was good,positive\nthe day was long,neutral\n');
  const error = await failure([...common.slice(1), '--model', fixtureDir('tiny-mlm'), '--eval-data', evalFile, '--out', join(tmp, 'never')]);
  expect(error.message).toBe(`${evalFile}:3: label "neutral" is not a class of the training data ("negative", "positive")`);
});

it('refuses early stopping without eval data, and with --resume', async () => {
  expect((await failure([...common.slice(1), '--model', fixtureDir('tiny-mlm'), '--early-stopping-patience', '2', '--out', join(tmp, 'never')])).message).toBe(
    '--early-stopping-patience watches the eval loss: give --eval-data',
  );
  const error = await failure([...common.slice(1), '--model', fixtureDir('tiny-mlm'), '--eval-data', trainFile, '--early-stopping-patience', '2', '--resume', fixtureDir('tiny-mlm'), '--out', join(tmp, 'never')]);
  expect(error).toBeInstanceOf(UsageError);
  expect(error.message).toBe('--resume cannot continue early stopping: the best model so far is not in a checkpoint; run again without --resume');
});
