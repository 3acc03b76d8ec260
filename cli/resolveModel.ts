// `--model` takes a local directory or a Hugging Face id (`org/name`), downloaded into the
// HF-compatible cache on first use, with a progress bar on stderr when it is a terminal.

import { resolveModelDir } from '../hub/download.js';
import { flagIsSet, optionalString, requireString } from './args.js';
import type { CommandIO, ParsedArgs } from './command.js';

export async function resolveModel(args: ParsedArgs, io: CommandIO, fallback?: string): Promise<string> {
  const model = optionalString(args, 'model') ?? fallback ?? requireString(args, 'model');
  const stderr = io.stderr as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  return resolveModelDir(model, {
    revision: optionalString(args, 'revision'),
    quiet: flagIsSet(args, 'quiet') || !io.stderrIsTTY,
    progressStream: { write: (s: string) => stderr.write(s), isTTY: io.stderrIsTTY, columns: stderr.columns },
  });
}
