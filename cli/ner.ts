// `roberta ner`: named entities (token classification), with HF's aggregation strategies.

import { pipeline } from '../pipelines/pipeline.js';
import { AGGREGATION_STRATEGIES, type AggregationStrategy, type EntityGroup, type TokenEntity } from '../pipelines/tokenClassification.js';
import { flagIsSet, optionalString } from './args.js';
import { UsageError, type CliCommand } from './command.js';
import { backendPreference, COMMON_FLAGS, MODEL_FLAGS, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';
import { batchSizeOf, inBatches, readTexts, TEXT_FLAGS } from './texts.js';

export const nerCommand: CliCommand = {
  name: 'ner',
  summary: 'find named entities with a token-classification model',
  usage: ['ner --model ID|DIR [--aggregation-strategy none|simple|first|average|max] [--json] TEXT...', 'ner --model ID|DIR < texts.txt   (one text per line)'],
  examples: ['roberta ner --model Jean-Baptiste/roberta-large-ner-english --aggregation-strategy simple "Apple was founded by Steve Jobs in California."'],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id (a RobertaForTokenClassification)' },
    'aggregation-strategy': { type: 'string', description: 'none: every token; simple: tags merged; first | average | max: words agree first', default: 'none' },
    'ignore-labels': { type: 'string', description: 'comma-separated labels left out', default: 'O' },
    ...TEXT_FLAGS,
    ...MODEL_FLAGS,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const strategy = optionalString(args, 'aggregation-strategy') ?? 'none';
    if (!(AGGREGATION_STRATEGIES as readonly string[]).includes(strategy)) {
      throw new UsageError(`--aggregation-strategy must be one of ${AGGREGATION_STRATEGIES.join(', ')}, got ${JSON.stringify(strategy)}`);
    }
    const ignoreLabels = (optionalString(args, 'ignore-labels') ?? 'O').split(',').filter((l) => l.length > 0);
    const backend = backendPreference(args);
    const texts = await readTexts(args, io);
    const dir = await resolveModel(args, io);
    const ner = await pipeline('token-classification', dir, { backend, batchSize: batchSizeOf(args), log: verboseLog(args, io), ...precisionOptions(args) });
    try {
      const options = { aggregationStrategy: strategy as AggregationStrategy, ignoreLabels };
      const results = await inBatches(texts, args, io, (batch) => ner.run(batch, options));
      results.forEach((entities: readonly (TokenEntity | EntityGroup)[], i) => {
        if (flagIsSet(args, 'json')) {
          io.stdout.write(`${JSON.stringify(entities)}\n`);
          return;
        }
        if (texts.length > 1) io.stdout.write(`${texts[i]}\n`);
        if (entities.length === 0) io.stdout.write('  (no entities)\n');
        for (const e of entities) {
          const label = 'entity_group' in e ? e.entity_group : e.entity;
          io.stdout.write(`  ${label}\t${e.score.toFixed(4)}\t${e.start}-${e.end}\t${JSON.stringify(e.word)}\n`);
        }
      });
      return 0;
    } finally {
      ner.dispose();
    }
  },
};
