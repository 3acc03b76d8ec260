// `roberta export-onnx`: write the model as one .onnx file, for serving engines that scale past
// one machine (ONNX Runtime, Triton Inference Server, Text Embeddings Inference; see
// model/onnx/README.md).

import { exportOnnx } from '../model/onnx/export.js';
import { flagIsSet, requireString } from './args.js';
import { UsageError, type CliCommand } from './command.js';
import { COMMON_FLAGS, REVISION_FLAG, verboseLog } from './common.js';
import { resolveModel } from './resolveModel.js';

export const exportOnnxCommand: CliCommand = {
  name: 'export-onnx',
  summary: 'export the model to an ONNX file (opset 17) for ONNX Runtime, Triton or TEI',
  usage: ['export-onnx --model DIR|ID --out FILE.onnx [--dtype fp32|q8] [--token-type-ids] [--hidden-states] [--attentions]'],
  examples: [
    'roberta export-onnx --model FacebookAI/roberta-base --out roberta-base.onnx',
    'roberta export-onnx --model ./my-classifier --out model.onnx --token-type-ids',
    'roberta export-onnx --model FacebookAI/roberta-base --out roberta-base-q8.onnx --dtype q8',
  ],
  flags: {
    model: { type: 'string', description: 'model directory or Hugging Face id' },
    out: { type: 'string', description: 'the .onnx file to write' },
    dtype: { type: 'string', description: "fp32 | q8 (int8 MatMulInteger, activations quantized per token, as --dtype q8 computes); default: the folder's own, else fp32" },
    'token-type-ids': { type: 'boolean', description: 'add a token_type_ids input (default: none, zeros are used as in HF)' },
    'hidden-states': { type: 'boolean', description: 'also output hidden_states.0…N' },
    attentions: { type: 'boolean', description: 'also output attentions.0…N-1' },
    revision: REVISION_FLAG,
    ...COMMON_FLAGS,
  },
  async run(args, io) {
    const outFile = requireString(args, 'out');
    const dtype = args.flags.dtype;
    if (dtype !== undefined && dtype !== 'fp32' && dtype !== 'q8') throw new UsageError(`--dtype must be fp32 or q8 (the ONNX export writes no fp16), got ${JSON.stringify(dtype)}`);
    const dir = await resolveModel(args, io);
    const result = await exportOnnx(dir, outFile, {
      dtype,
      tokenTypeIds: flagIsSet(args, 'token-type-ids'),
      hiddenStates: flagIsSet(args, 'hidden-states'),
      attentions: flagIsSet(args, 'attentions'),
      log: verboseLog(args, io),
    });
    if (!flagIsSet(args, 'quiet')) {
      io.stderr.write(`wrote ${outFile}: ${result.bytes.toLocaleString('en-US')} bytes, ${result.nodes} nodes, ${result.initializers} initializers\n`);
    }
    return 0;
  },
};
