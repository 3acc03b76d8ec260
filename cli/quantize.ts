// `roberta quantize`: a model folder → the same model with q8 or fp16 weights, as a folder that
// loads without converting again. The model is loaded as `--dtype` would load it (the int8 values
// and scales are the loader's own, engine/quantize.ts), and its parameters written back under
// Hugging Face's names: model.safetensors with I8 weights beside `<name>.weight_scale` F32 [out]
// (q8) or F16 matrices (fp16), biases and LayerNorm in F32; config.json records the precision in
// `quantization`; tokenizer and other files are copied as they are.

import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DType } from '../engine/dtype.js';
import { widenHalves } from '../engine/halfFloat.js';
import { fromPretrained } from '../model/fromPretrained.js';
import { quantizationRecord, type QuantizedPrecision } from '../model/precision.js';
import { huggingFaceName } from '../model/roberta.js';
import { encodeSafetensors, type SafetensorsWriteDType, type SafetensorsWriteTensor } from '../model/weights/safetensorsWriter.js';
import { flagIsSet, requireString } from './args.js';
import { UsageError, type CliCommand } from './command.js';
import { COMMON_FLAGS, Q8_EMBEDDINGS_FLAG, REVISION_FLAG, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';

/** The weight files a folder may hold: replaced by the new model.safetensors, not copied. */
const WEIGHT_FILE = /^(model|pytorch_model)(-\d+-of-\d+)?\.(safetensors|bin)(\.index\.json)?$/;

const FILE_TYPE: Readonly<Record<DType, SafetensorsWriteDType>> = { float32: 'F32', float16: 'F16', int8: 'I8', int32: 'I32' };

export const quantizeCommand: CliCommand = {
  name: 'quantize',
  summary: 'write a copy of a model with int8 (q8) or float16 (fp16) weights, which loads without converting',
  usage: ['quantize --model DIR|ID --out DIR [--dtype q8|fp16] [--q8-embeddings]'],
  examples: ['roberta quantize --model FacebookAI/roberta-base --out ./roberta-base-q8', 'roberta quantize --model ./my-classifier --out ./my-classifier-fp16 --dtype fp16'],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id' },
    out: { type: 'string', description: 'the folder to write (created if missing)' },
    dtype: { type: 'string', description: 'q8 (int8 linear layers, float32 scales) | fp16 (float16 matrices)', default: 'q8' },
    'q8-embeddings': Q8_EMBEDDINGS_FLAG,
    revision: REVISION_FLAG,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const outDir = requireString(args, 'out');
    const dtype = args.flags.dtype ?? 'q8';
    if (dtype !== 'q8' && dtype !== 'fp16') throw new UsageError(`--dtype must be q8 or fp16, got ${JSON.stringify(dtype)}`);
    const dir = await resolveModel(args, io);
    const bytes = await writeQuantizedModel(dir, outDir, dtype, { int8Embeddings: flagIsSet(args, 'q8-embeddings'), log: verboseLog(args, io) });
    if (!flagIsSet(args, 'quiet')) io.stderr.write(`wrote ${outDir} (${dtype}): model.safetensors ${bytes.toLocaleString('en-US')} bytes\n`);
    return 0;
  },
};

/** Writes the folder; returns the size of its model.safetensors. */
export async function writeQuantizedModel(
  dir: string,
  outDir: string,
  dtype: QuantizedPrecision,
  { int8Embeddings = false, log }: { readonly int8Embeddings?: boolean; readonly log?: (line: string) => void } = {},
): Promise<number> {
  const model = await fromPretrained(dir, { backend: 'cpu', dtype, int8Embeddings, log });
  const tensors: Record<string, SafetensorsWriteTensor> = {};
  try {
    for (const { names, tensor } of model.params.parameters()) {
      const stored = await tensor.data();
      const values = tensor.dtype === 'float16' ? widenHalves(stored as Uint16Array) : stored;
      // A stacked tensor (query, key and value) goes back as its equal parts along the first axis.
      const partSize = values.length / names.length;
      names.forEach((name, i) => {
        tensors[huggingFaceName(model.architecture, name)] = {
          dtype: FILE_TYPE[tensor.dtype],
          shape: [tensor.shape[0] / names.length, ...tensor.shape.slice(1)],
          data: values.subarray(i * partSize, (i + 1) * partSize),
        };
      });
    }
  } finally {
    model.dispose();
  }
  await mkdir(outDir, { recursive: true });
  const file = encodeSafetensors(tensors, { format: 'pt' });
  await writeFile(join(outDir, 'model.safetensors'), file);
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(join(outDir, 'config.json'), `${JSON.stringify({ ...config, quantization: quantizationRecord(dtype, int8Embeddings) }, null, 2)}\n`);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name !== 'config.json' && !WEIGHT_FILE.test(entry.name)) await copyFile(join(dir, entry.name), join(outDir, entry.name));
  }
  return file.byteLength;
}
