// `roberta forward`: run the model on ids from a JSON file and save every output under Hugging
// Face's names in a safetensors file — the contract external parity suites check us with.

import { readFile, writeFile } from 'node:fs/promises';
import { fromPretrained } from '../model/fromPretrained.js';
import { InputError, type ModelInputs } from '../model/inputs.js';
import { disposeOutput, namedOutputs } from '../model/roberta.js';
import { jsonSyntaxDetail } from '../model/weights/json.js';
import { encodeSafetensors, type SafetensorsWriteTensor } from '../model/weights/safetensorsWriter.js';
import { flagIsSet, requireString } from './args.js';
import type { CliCommand } from './command.js';
import { BACKEND_FLAG, backendPreference, COMMON_FLAGS, DTYPE_FLAG, Q8_EMBEDDINGS_FLAG, REVISION_FLAG, precisionOptions, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';

function parseInputs(text: string, file: string): ModelInputs {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${jsonSyntaxDetail(error)}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new InputError(`${file} must hold an object {"input_ids": [[...]], "attention_mask"?: [[...]], "token_type_ids"?: [[...]]}`);
  }
  const record = json as Record<string, unknown>;
  if (!('input_ids' in record)) throw new InputError(`${file} has no "input_ids"`);
  // The model checks the shapes and values: [batch, seq], or [batch, choices, seq] for multiple choice.
  return {
    inputIds: record.input_ids as ModelInputs['inputIds'],
    attentionMask: record.attention_mask as ModelInputs['attentionMask'],
    tokenTypeIds: record.token_type_ids as ModelInputs['tokenTypeIds'],
  };
}

export const forwardCommand: CliCommand = {
  name: 'forward',
  summary: "run the model on token ids and write every output, under Hugging Face's names, to a safetensors file",
  usage: ['forward --model DIR --inputs FILE.json --out FILE.safetensors [--backend B] [--hidden-states] [--attentions]'],
  examples: [
    'roberta forward --model ./my-model --inputs ids.json --out outputs.safetensors --hidden-states',
    'echo \'{"input_ids": [[0, 31414, 232, 2]]}\' > ids.json && roberta forward --model roberta-base --inputs ids.json --out out.safetensors',
    'echo \'{"input_ids": [[[0, 8, 2], [0, 9, 2]]]}\' > choices.json && roberta forward --model ./my-multiple-choice --inputs choices.json --out out.safetensors',
  ],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id' },
    inputs: {
      type: 'string',
      description:
        'JSON file {"input_ids": [[...]], "attention_mask"?: [[...]], "token_type_ids"?: [[...]]}, ids [batch, seq]; ' +
        'a multiple-choice model takes 3-D ids [batch, choices, seq] and writes logits [batch, choices], its hidden states and attentions over the batch · choices rows',
    },
    out: { type: 'string', description: 'safetensors file to write' },
    backend: { ...BACKEND_FLAG, default: 'cpu' },
    dtype: DTYPE_FLAG,
    'q8-embeddings': Q8_EMBEDDINGS_FLAG,
    'hidden-states': { type: 'boolean', description: 'also write hidden_states.0…N' },
    attentions: { type: 'boolean', description: 'also write attentions.0…N-1' },
    revision: REVISION_FLAG,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const backend = backendPreference(args, 'cpu');
    const inputsFile = requireString(args, 'inputs');
    const outFile = requireString(args, 'out');
    const dir = await resolveModel(args, io);
    const inputs = parseInputs(await readFile(inputsFile, 'utf8'), inputsFile);
    const model = await fromPretrained(dir, { backend, log: verboseLog(args, io), ...precisionOptions(args) });
    try {
      const out = model.forward(inputs, { outputHiddenStates: flagIsSet(args, 'hidden-states'), outputAttentions: flagIsSet(args, 'attentions') });
      const tensors: Record<string, SafetensorsWriteTensor> = {};
      try {
        for (const [name, t] of namedOutputs(out)) tensors[name] = { dtype: 'F32', shape: t.shape, data: await t.data() };
      } finally {
        disposeOutput(out);
      }
      await writeFile(outFile, encodeSafetensors(tensors, { format: 'pt', producer: 'roberta-ts' }));
      if (!flagIsSet(args, 'quiet')) io.stderr.write(`wrote ${Object.keys(tensors).length} tensors to ${outFile} (backend ${model.backend.name})\n`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
