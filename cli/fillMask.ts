// `roberta fill-mask`: the masked-LM's best candidates for each <mask> in a text.

import { pipeline } from '../pipelines/pipeline.js';
import { flagIsSet } from './args.js';
import { UsageError, type CliCommand } from './command.js';
import { backendPreference, COMMON_FLAGS, MODEL_FLAGS, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';
import { batchSizeOf, inBatches, readTexts, TEXT_FLAGS, TRUNCATION_FLAGS } from './texts.js';

export const fillMaskCommand: CliCommand = {
  name: 'fill-mask',
  summary: 'predict the tokens hidden behind <mask> with a masked-LM model',
  usage: ['fill-mask --model ID|DIR [--top-k K] [--json] TEXT...'],
  examples: ['roberta fill-mask --model FacebookAI/roberta-base "Paris is the <mask> of France."'],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id (a RobertaForMaskedLM)' },
    'top-k': { type: 'number', description: 'candidates per mask', default: 5 },
    ...TEXT_FLAGS,
    ...TRUNCATION_FLAGS,
    ...MODEL_FLAGS,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const topK = args.flags['top-k'] ?? 5;
    if (typeof topK !== 'number' || !Number.isInteger(topK) || topK < 1) throw new UsageError(`--top-k must be a positive integer, got ${String(topK)}`);
    const backend = backendPreference(args);
    const texts = await readTexts(args, io);
    const dir = await resolveModel(args, io);
    const filler = await pipeline('fill-mask', dir, { backend, batchSize: batchSizeOf(args), log: verboseLog(args, io), ...precisionOptions(args) });
    try {
      const results = await inBatches(texts, args, io, (batch) => filler.run(batch, { topK, truncation: flagIsSet(args, 'truncation') }));
      results.forEach((masks, i) => {
        if (flagIsSet(args, 'json')) {
          io.stdout.write(`${JSON.stringify(masks.length === 1 ? masks[0] : masks)}\n`);
          return;
        }
        if (texts.length > 1) io.stdout.write(`${texts[i]}\n`);
        for (const candidates of masks) {
          for (const c of candidates) io.stdout.write(`  ${c.score.toFixed(4)}  ${JSON.stringify(c.token_str)}  ${c.sequence}\n`);
        }
      });
      return 0;
    } finally {
      filler.dispose();
    }
  },
};
