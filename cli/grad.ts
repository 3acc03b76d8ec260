// `roberta grad`: one forward and backward pass on a labelled batch; writes the loss and every
// parameter's gradient under PyTorch's names — the contract gradient parity suites check us with.

import { readFile, writeFile } from 'node:fs/promises';
import { fromPretrained } from '../model/fromPretrained.js';
import { InputError } from '../model/inputs.js';
import { jsonSyntaxDetail } from '../model/weights/json.js';
import { encodeSafetensors, type SafetensorsWriteTensor } from '../model/weights/safetensorsWriter.js';
import { parseBatch, type Batch } from '../train/batch.js';
import { lossAndBackward, namedGradients } from '../train/gradients.js';
import { namedParameters, zeroGradients } from '../train/parameters.js';
import { assertCanTrain } from '../train/trainingOps.js';
import { flagIsSet, requireString } from './args.js';
import type { CliCommand } from './command.js';
import { BACKEND_FLAG, backendPreference, COMMON_FLAGS, DTYPE_FLAG, Q8_EMBEDDINGS_FLAG, REVISION_FLAG, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';

/** A batch from JSON text; `where` names the file (and line) in errors. */
export function batchFromJson(text: string, where: string): Batch {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${where} is not valid JSON: ${jsonSyntaxDetail(error)}`);
  }
  return parseBatch(json, where);
}

export const gradCommand: CliCommand = {
  name: 'grad',
  summary: "the loss on a labelled batch and every parameter's gradient, under PyTorch's names, to a safetensors file",
  usage: ['grad --model DIR --inputs batch.json --out grads.safetensors [--backend B]'],
  examples: [
    'echo \'{"input_ids": [[0, 31414, 232, 2]], "labels": [1]}\' > batch.json && roberta grad --model ./my-classifier --inputs batch.json --out grads.safetensors',
    'roberta grad --model ./my-mlm --inputs masked.json --out grads.safetensors   # labels [[-100, 232, -100, -100]]: -100 is ignored',
  ],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id' },
    inputs: {
      type: 'string',
      description:
        'JSON file {"input_ids": [[...]], "attention_mask"?: [[...]], "labels": ...}: per-token labels [[...]] (-100 ignored) for a masked-LM ' +
        'or token classifier, one class id per sequence for a classifier (floats for regression, a list per sequence for multi-label)',
    },
    out: { type: 'string', description: 'safetensors file to write: loss (float32 scalar) and grad.<name> for every parameter' },
    backend: { ...BACKEND_FLAG, default: 'cpu' },
    dtype: DTYPE_FLAG,
    'q8-embeddings': Q8_EMBEDDINGS_FLAG,
    revision: REVISION_FLAG,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const backend = backendPreference(args, 'cpu');
    const inputsFile = requireString(args, 'inputs');
    const outFile = requireString(args, 'out');
    const dir = await resolveModel(args, io);
    const batch = batchFromJson(await readFile(inputsFile, 'utf8'), inputsFile);
    const model = await fromPretrained(dir, { backend, log: verboseLog(args, io), ...precisionOptions(args) });
    try {
      assertCanTrain(model.backend);
      const parameters = namedParameters(model);
      zeroGradients(parameters);
      const loss = await lossAndBackward(model, batch);
      const tensors: Record<string, SafetensorsWriteTensor> = { loss: { dtype: 'F32', shape: [], data: [loss] } };
      for (const { name, shape, data } of await namedGradients(parameters)) tensors[`grad.${name}`] = { dtype: 'F32', shape, data };
      await writeFile(outFile, encodeSafetensors(tensors, { format: 'pt', producer: 'roberta-ts' }));
      if (!flagIsSet(args, 'quiet')) io.stderr.write(`loss ${loss}; wrote ${Object.keys(tensors).length - 1} gradients to ${outFile} (backend ${model.backend.name})\n`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
