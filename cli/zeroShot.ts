// `roberta zero-shot`: classify texts into labels given on the command line, with an NLI model.

import { pipeline } from '../pipelines/pipeline.js';
import { flagIsSet, optionalString, requireString } from './args.js';
import { UsageError, type CliCommand } from './command.js';
import { backendPreference, COMMON_FLAGS, MODEL_FLAGS, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';
import { batchSizeOf, inBatches, readTexts, TEXT_FLAGS } from './texts.js';

export const zeroShotCommand: CliCommand = {
  name: 'zero-shot',
  summary: 'classify texts into any labels with a natural-language-inference model',
  usage: ['zero-shot --model ID|DIR --labels A,B,C [--multi-label] [--hypothesis-template T] [--json] TEXT...', 'zero-shot --model ID|DIR --labels A,B,C < texts.txt   (one text per line)'],
  examples: ['roberta zero-shot --model FacebookAI/roberta-large-mnli --labels travel,cooking,dancing "one day I will see the world"'],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id (an NLI RobertaForSequenceClassification)' },
    labels: { type: 'string', description: 'comma-separated candidate labels' },
    'multi-label': { type: 'boolean', description: 'score each label on its own (several may be true)' },
    'hypothesis-template': { type: 'string', description: 'the hypothesis each label makes; {} is the label', default: 'This example is {}.' },
    ...TEXT_FLAGS,
    ...MODEL_FLAGS,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const labels = requireString(args, 'labels');
    if (labels.split(',').every((l) => l.trim() === '')) throw new UsageError('--labels needs at least one label');
    const template = optionalString(args, 'hypothesis-template') ?? 'This example is {}.';
    if (!template.includes('{}')) throw new UsageError(`--hypothesis-template needs {} where the label goes, got ${JSON.stringify(template)}`);
    const backend = backendPreference(args);
    const texts = await readTexts(args, io);
    const dir = await resolveModel(args, io);
    const zeroShot = await pipeline('zero-shot-classification', dir, { backend, batchSize: batchSizeOf(args), log: verboseLog(args, io), ...precisionOptions(args) });
    try {
      const options = { hypothesisTemplate: template, multiLabel: flagIsSet(args, 'multi-label') };
      const results = await inBatches(texts, args, io, (batch) => zeroShot.run(batch, labels, options));
      results.forEach((result, i) => {
        if (flagIsSet(args, 'json')) io.stdout.write(`${JSON.stringify(result)}\n`);
        else {
          const shown = result.labels.map((l, k) => `${l} ${result.scores[k].toFixed(4)}`).join(', ');
          io.stdout.write(texts.length > 1 ? `${shown}\t${texts[i]}\n` : `${shown}\n`);
        }
      });
      return 0;
    } finally {
      zeroShot.dispose();
    }
  },
};
