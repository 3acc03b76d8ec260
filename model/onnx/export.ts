// `exportOnnx`: a Hugging Face RoBERTa directory (config.json + weights) → one self-contained
// .onnx file that ONNX Runtime, Triton Inference Server or Text Embeddings Inference can serve.
// See README.md in this directory for the hand-off.

import { writeBinaryFile } from '../../platform/files.js';
import { ConfigError, loadRobertaConfig } from '../config.js';
import { architectureOf } from '../fromPretrained.js';
import type { RobertaArchitecture } from '../roberta.js';
import { loadCheckpoint } from '../weights/load.js';
import { OnnxSizeError, PROTOBUF_MAX_BYTES } from './graphBuilder.js';
import { HostParameters } from '../hostParameters.js';
import { encodeModel } from './onnxProto.js';
import { buildRobertaModel, OPSET_VERSION, type OnnxWeightPrecision } from './robertaGraph.js';

export interface ExportOnnxOptions {
  /** Export this class instead of the one config.architectures names. */
  readonly architecture?: RobertaArchitecture;
  /** Add a `token_type_ids` input (default: none; the graph uses zeros, HF's default). */
  readonly tokenTypeIds?: boolean;
  /** Also output `hidden_states.0` … `hidden_states.N` (embeddings and every layer's output). */
  readonly hiddenStates?: boolean;
  /** Also output `attentions.0` … `attentions.{N-1}` (every layer's attention probabilities). */
  readonly attentions?: boolean;
  /**
   * q8: int8 linear layers (MatMulInteger) with activations quantized per token, the numbers of
   * our own q8 models. Default: the folder's own (q8 for a `roberta quantize --dtype q8` folder),
   * else fp32.
   */
  readonly dtype?: OnnxWeightPrecision;
  /** Called with diagnostics: the weight files read, unused checkpoint tensors. */
  readonly log?: (line: string) => void;
}

export interface ExportOnnxResult {
  /** Size of the written file. */
  readonly bytes: number;
  readonly nodes: number;
  readonly initializers: number;
}

export async function exportOnnx(dir: string, outFile: string, options: ExportOnnxOptions = {}): Promise<ExportOnnxResult> {
  const log = options.log ?? (() => {});
  const config = await loadRobertaConfig(dir);
  const architecture = options.architecture ?? architectureOf(config);
  const dtype = options.dtype ?? (config.quantization === 'q8' ? 'q8' : 'fp32');
  if (config.quantization === 'q8' && dtype !== 'q8') throw new ConfigError(`${dir} holds q8 (int8) weights: export it with dtype q8, or export its float original`);
  const checkpoint = await loadCheckpoint(dir);
  log(`weights: ${checkpoint.format} (${checkpoint.files.join(', ')}), ${checkpoint.tensors.size} tensors`);
  const params = new HostParameters(checkpoint.tensors, checkpoint.files.join(', '));
  if (params.has('embeddings.word_embeddings.weight_scale')) {
    throw new ConfigError(`${dir} stores int8 word embeddings (--q8-embeddings), which the ONNX export does not write: export the folder quantized without them`);
  }
  const model = buildRobertaModel(params, config, {
    architecture,
    tokenTypeIds: options.tokenTypeIds,
    hiddenStates: options.hiddenStates,
    attentions: options.attentions,
    dtype,
  });
  const unused = params.unusedKeys();
  if (unused.length > 0) log(`unused checkpoint tensors (${unused.length}): ${unused.join(', ')}`);

  const encoded = encodeModel(model);
  if (encoded.byteLength > PROTOBUF_MAX_BYTES) {
    throw new OnnxSizeError(`${architecture} from ${dir} encodes to ${encoded.byteLength.toLocaleString('en-US')} bytes`, PROTOBUF_MAX_BYTES);
  }
  // The chunks reference the weights in place: written one after another, never joined in memory.
  await writeBinaryFile(outFile, encoded.finish());
  log(`${outFile}: ${architecture} ${dtype}, opset ${OPSET_VERSION}, ${model.graph.nodes.length} nodes, ${model.graph.initializers.length} initializers`);
  return { bytes: encoded.byteLength, nodes: model.graph.nodes.length, initializers: model.graph.initializers.length };
}
