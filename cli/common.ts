// Flags and helpers several commands share.

import { UsageError, type CommandIO, type FlagSpec, type ParsedArgs } from './command.js';
import { registeredBackends } from '../engine/select.js';
import type { BackendPreference } from '../engine/select.js';
import { isWeightPrecision, WEIGHT_PRECISIONS, type WeightPrecision } from '../model/precision.js';

export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  help: { type: 'boolean', description: 'show this help' },
  verbose: { type: 'boolean', description: 'print diagnostics, and stack traces on errors' },
  quiet: { type: 'boolean', description: 'print nothing but results (no progress bars)' },
};

export const BACKEND_FLAG: FlagSpec = { type: 'string', description: 'auto | cpu | webgpu | gpujs | wasm', default: 'auto' };

export function backendPreference(args: ParsedArgs, fallback: BackendPreference = 'auto'): BackendPreference {
  const value = args.flags.backend;
  if (value === undefined) return fallback;
  const known = ['auto', ...registeredBackends()];
  if (typeof value !== 'string' || !known.includes(value)) {
    throw new UsageError(`--backend must be one of ${known.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as BackendPreference;
}

/** A logger for --verbose diagnostics (stderr), or undefined. */
export function verboseLog(args: ParsedArgs, io: CommandIO): ((line: string) => void) | undefined {
  return args.flags.verbose === true ? (line: string) => io.stderr.write(`${line}\n`) : undefined;
}

export const REVISION_FLAG: FlagSpec = { type: 'string', description: 'Hub revision: branch, tag or commit', default: 'main' };

export const DTYPE_FLAG: FlagSpec = {
  type: 'string',
  description: `${WEIGHT_PRECISIONS.join(' | ')}: the weights' precision (q8: int8 linear layers, fp16: half-precision matrices); default: the model folder's own (a \`roberta quantize\` folder), else fp32`,
};

export const Q8_EMBEDDINGS_FLAG: FlagSpec = { type: 'boolean', description: 'with --dtype q8: the word embeddings (and a tied masked-LM decoder) int8 too, a scale per row' };

/** --dtype (undefined: the model folder's own) and --q8-embeddings, as fromPretrained's options. */
export function precisionOptions(args: ParsedArgs): { dtype?: WeightPrecision; int8Embeddings: boolean } {
  const value = args.flags.dtype;
  const int8Embeddings = args.flags['q8-embeddings'] === true;
  if (value === undefined) return { int8Embeddings };
  if (!isWeightPrecision(value)) throw new UsageError(`--dtype must be one of ${WEIGHT_PRECISIONS.join(', ')}, got ${JSON.stringify(value)}`);
  return { dtype: value, int8Embeddings };
}

export const MODEL_FLAGS: Readonly<Record<string, FlagSpec>> = {
  backend: BACKEND_FLAG,
  revision: REVISION_FLAG,
  dtype: DTYPE_FLAG,
  'q8-embeddings': Q8_EMBEDDINGS_FLAG,
};
