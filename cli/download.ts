// `roberta download`: fetch a model from the Hugging Face Hub into the shared cache.

import { downloadRobertaSnapshot } from '../hub/download.js';
import { flagIsSet, optionalString } from './args.js';
import { UsageError, type CliCommand } from './command.js';
import { COMMON_FLAGS } from './common.js';

export const downloadCommand: CliCommand = {
  name: 'download',
  summary: 'download a model (config, tokenizer, weights) into the Hugging Face cache',
  usage: ['download MODEL_ID [--revision REV]'],
  examples: ['roberta download cardiffnlp/twitter-roberta-base-emotion', 'HF_HUB_CACHE=/data/hf roberta download FacebookAI/roberta-base --revision main'],
  flags: {
    revision: { type: 'string', description: 'branch, tag or commit', default: 'main' },
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError('give exactly one model id');
    const stderr = io.stderr as NodeJS.WritableStream & { columns?: number };
    const dir = await downloadRobertaSnapshot(args.positionals[0], {
      revision: optionalString(args, 'revision'),
      quiet: flagIsSet(args, 'quiet'),
      progressStream: { write: (s: string) => stderr.write(s), isTTY: io.stderrIsTTY, columns: stderr.columns },
    });
    io.stdout.write(`${dir}\n`);
    return 0;
  },
};
