// Fine-tuning a sequence classifier as a task for the trainer (train/trainer/): the labelled
// training file as shuffled, padded batches, the eval file's accuracy, macro-F1 and loss after every
// evaluation, early stopping if asked, and the config a classifier of these labels is saved with.
//
//   const data = await loadClassificationData({ trainFile: 'train.jsonl', evalFile: 'eval.jsonl', tokenizer, modelLimit, batchSize: 16, seed: 0 });
//   const model = await fromPretrained(dir, { config: parseRobertaConfig(classifierConfig(json, data.labels), dir), architecture: 'RobertaForSequenceClassification', initializeMissing: { seed: 0 } });
//   await runToFolder({ model, task: classificationTask(data), options, … }, output);

import { InputError } from '../../model/inputs.js';
import type { RobertaTokenizer } from '../../tokenizer/index.js';
import type { Batch } from '../batch.js';
import type { JsonObject } from '../checkpoint.js';
import type { TrainingTask } from '../trainer/task.js';
import { batchesInOrder, ClassificationData } from './classificationData.js';
import { EarlyStoppingRule } from './earlyStopping.js';
import { checkedMaxLength, encodeExamples } from './encodeExamples.js';
import { evaluateClassifier } from './evaluate.js';
import { readExamples } from './examples.js';
import { classIds, labelSetOf, type LabelSet } from './labels.js';

export interface ClassificationDataOptions {
  /** A .jsonl or .csv file of labelled examples (train/classification/examples.ts). */
  readonly trainFile: string;
  /** Held-out examples of the same kind, labelled with the training data's classes. */
  readonly evalFile?: string;
  readonly tokenizer: RobertaTokenizer;
  /** The longest input the model takes (encodeExamples.ts's modelMaxLength). */
  readonly modelLimit: number;
  /** Cut inputs to this many tokens, special tokens included (default: `modelLimit`). */
  readonly maxLength?: number;
  /** Examples per micro-batch, in training and evaluation. */
  readonly batchSize: number;
  /** Seeds the order of each epoch. */
  readonly seed: number;
}

export interface ClassificationDataset {
  readonly labels: LabelSet;
  readonly train: ClassificationData;
  readonly trainExamples: number;
  /** The eval data in file order (none without an eval file). */
  readonly evalBatches?: readonly Batch[];
  /** The --max-length used. */
  readonly maxLength: number;
}

export async function loadClassificationData(options: ClassificationDataOptions): Promise<ClassificationDataset> {
  const { tokenizer, batchSize } = options;
  const padId = tokenizer.specialTokens.pad?.id;
  if (padId === undefined) throw new InputError('the tokenizer has no pad token: batches of examples of different lengths need one');
  const train = await readExamples(options.trainFile);
  const labels = labelSetOf(train);
  const isPair = train[0].textPair !== undefined;
  const maxLength = checkedMaxLength(options.maxLength, options.modelLimit, isPair);
  const encode = (examples: typeof train) => encodeExamples(tokenizer, examples, classIds(examples, labels), maxLength);
  let evalBatches: Batch[] | undefined;
  if (options.evalFile !== undefined) {
    const held = await readExamples(options.evalFile);
    if ((held[0].textPair !== undefined) !== isPair) {
      const kind = (pair: boolean) => (pair ? 'text pairs' : 'single texts');
      throw new InputError(`${held[0].where}: the eval data holds ${kind(!isPair)}, the training data ${kind(isPair)}`);
    }
    evalBatches = batchesInOrder(encode(held), batchSize, padId);
  }
  return { labels, train: new ClassificationData(encode(train), batchSize, padId, options.seed), trainExamples: train.length, evalBatches, maxLength };
}

/** The trainer's task: the training batches, and (with eval data) evaluation and optional early stopping after `patience` evaluations without a lower eval loss. */
export function classificationTask(dataset: ClassificationDataset, earlyStoppingPatience?: number): TrainingTask {
  const { evalBatches } = dataset;
  if (earlyStoppingPatience !== undefined && evalBatches === undefined) throw new InputError('early stopping watches the eval loss: it needs eval data');
  return {
    data: dataset.train,
    evaluate: evalBatches && ((model) => evaluateClassifier(model, evalBatches)),
    stopping: earlyStoppingPatience === undefined ? undefined : new EarlyStoppingRule(earlyStoppingPatience),
  };
}

/**
 * `source` (a config.json's contents) as a classifier of `labels`: id2label and label2id as
 * save_pretrained writes them (string keys), num_labels beside them, and the problem type HF's
 * RobertaForSequenceClassification records on its first forward with integer labels.
 */
export function classifierConfig(source: JsonObject, labels: LabelSet): JsonObject {
  return {
    ...source,
    architectures: ['RobertaForSequenceClassification'],
    id2label: Object.fromEntries(labels.id2label.map((name, id) => [String(id), name])),
    label2id: Object.fromEntries(labels.id2label.map((name, id) => [name, id])),
    num_labels: labels.id2label.length,
    problem_type: 'single_label_classification',
  };
}
