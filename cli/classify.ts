// `roberta classify`: text classification with a sequence-classification model.

import { pipeline } from '../pipelines/pipeline.js';
import { flagIsSet } from './args.js';
import { UsageError, type CliCommand } from './command.js';
import { backendPreference, COMMON_FLAGS, MODEL_FLAGS, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';
import { batchSizeOf, inBatches, readTexts, TEXT_FLAGS, TRUNCATION_FLAGS } from './texts.js';

/** The seed's example model: 4 emotions (anger, joy, optimism, sadness) for tweets. */
export const DEFAULT_CLASSIFY_MODEL = 'cardiffnlp/twitter-roberta-base-emotion';

export const classifyCommand: CliCommand = {
  name: 'classify',
  summary: 'label texts with a sequence-classification model',
  usage: ['classify [--model ID|DIR] [--top-k K] [--json] TEXT...', 'classify [--model ID|DIR] < texts.txt   (one text per line)'],
  examples: [`roberta classify "I love my cat"          (model: ${DEFAULT_CLASSIFY_MODEL})`, 'roberta classify --model ./my-classifier --top-k 4 --json "so angry right now"'],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id', default: DEFAULT_CLASSIFY_MODEL },
    'top-k': { type: 'number', description: 'labels to show per text, best first', default: 1 },
    ...TEXT_FLAGS,
    ...TRUNCATION_FLAGS,
    ...MODEL_FLAGS,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const topK = args.flags['top-k'] ?? 1;
    if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) throw new UsageError(`--top-k must be a positive integer, got ${String(topK)}`);
    const backend = backendPreference(args);
    const texts = await readTexts(args, io);
    const dir = await resolveModel(args, io, DEFAULT_CLASSIFY_MODEL);
    const classifier = await pipeline('text-classification', dir, { backend, batchSize: batchSizeOf(args), log: verboseLog(args, io), ...precisionOptions(args) });
    try {
      const results = await inBatches(texts, args, io, (batch) => classifier.run(batch, { topK, truncation: flagIsSet(args, 'truncation') }));
      results.forEach((labels, i) => {
        if (flagIsSet(args, 'json')) io.stdout.write(`${JSON.stringify(labels)}\n`);
        else {
          const shown = labels.map((l) => `${l.label} ${l.score.toFixed(4)}`).join(', ');
          io.stdout.write(texts.length > 1 ? `${shown}\t${texts[i]}\n` : `${shown}\n`);
        }
      });
      return 0;
    } finally {
      classifier.dispose();
    }
  },
};
