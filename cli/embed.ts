// `roberta embed`: sentence or token embeddings (the last hidden state), as JSON lines.

import { pipeline } from '../pipelines/pipeline.js';
import { flagIsSet } from './args.js';
import { UsageError, type CliCommand } from './command.js';
import { backendPreference, COMMON_FLAGS, MODEL_FLAGS, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';
import { batchSizeOf, inBatches, readTexts, TEXT_FLAGS, TRUNCATION_FLAGS } from './texts.js';

const POOLINGS = ['mean', 'cls', 'none'] as const;

export const embedCommand: CliCommand = {
  name: 'embed',
  summary: 'print embeddings of texts (one JSON array per line)',
  usage: ['embed --model ID|DIR [--pooling mean|cls|none] [--normalize] TEXT...'],
  examples: ['roberta embed --model FacebookAI/roberta-base --pooling mean --normalize "I love my cat"'],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id' },
    pooling: { type: 'string', description: 'mean (over real tokens) | cls (the <s> vector) | none (one vector per token)', default: 'mean' },
    normalize: { type: 'boolean', description: 'scale pooled vectors to unit length' },
    ...TEXT_FLAGS,
    ...TRUNCATION_FLAGS,
    ...MODEL_FLAGS,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const pooling = args.flags.pooling ?? 'mean';
    if (!POOLINGS.includes(pooling as (typeof POOLINGS)[number])) throw new UsageError(`--pooling must be one of ${POOLINGS.join(', ')}, got ${JSON.stringify(pooling)}`);
    const backend = backendPreference(args);
    const texts = await readTexts(args, io);
    const dir = await resolveModel(args, io);
    const extractor = await pipeline('feature-extraction', dir, { backend, batchSize: batchSizeOf(args), log: verboseLog(args, io), ...precisionOptions(args) });
    try {
      const options = { pooling: pooling as (typeof POOLINGS)[number], normalize: flagIsSet(args, 'normalize'), truncation: flagIsSet(args, 'truncation') };
      const results = await inBatches(texts, args, io, async (batch) => (await extractor.run(batch, options)) as unknown[]);
      for (const r of results) io.stdout.write(`${JSON.stringify(r)}\n`);
      return 0;
    } finally {
      extractor.dispose();
    }
  },
};
