// roberta-ts: the public entry point. Importing it registers the backends (the CPU reference
// always; device backends are created only when selected).

import './kernels/cpu/register.js';
import './kernels/gpujs/register.js';
import './kernels/wasm/register.js';
import './kernels/wgsl/register.js';

export * from './engine/index.js';
export { fromPretrained, fromConfig, architectureOf, type FromPretrainedOptions, type FromConfigOptions } from './model/fromPretrained.js';
export {
  RobertaModel,
  RobertaForSequenceClassification,
  RobertaForMaskedLM,
  RobertaForTokenClassification,
  RobertaForQuestionAnswering,
  RobertaForMultipleChoice,
  FLOAT32_MIN,
  namedOutputs,
  outputTensors,
  disposeOutput,
  type AnyRobertaModel,
  type ForwardOptions,
  type RobertaArchitecture,
  type RobertaOutput,
} from './model/roberta.js';
export { InputError, type IdMatrix, type IdChoices, type ModelInputs } from './model/inputs.js';
export { loadRobertaConfig, parseRobertaConfig, ConfigError, type RobertaConfig } from './model/config.js';
export { loadCheckpoint, type LoadedCheckpoint } from './model/weights/load.js';
export type { CheckpointTensor, HostTensor } from './model/weights/hostTensor.js';
// Safetensors bytes already in memory (a browser's fetch, a bundle): parse the header, decode the tensors.
export { parseSafetensors, safetensorsTensors } from './model/weights/safetensors.js';
export { CheckpointError } from './model/weights/errors.js';
export { encodeSafetensors } from './model/weights/safetensorsWriter.js';
export { exportOnnx, type ExportOnnxOptions, type ExportOnnxResult } from './model/onnx/export.js';
export * from './tokenizer/index.js';
export { pipeline, type PipelineTask, type PipelineOptions, type ClassificationResult, type FillMaskResult, type EmbedOptions } from './pipelines/pipeline.js';
export type { AggregationStrategy, EntityGroup, TokenEntity, TokenClassificationOptions } from './pipelines/tokenClassification.js';
export type { QuestionAnsweringOptions, QuestionAnsweringResult } from './pipelines/questionAnswering.js';
export type { ZeroShotOptions, ZeroShotResult } from './pipelines/zeroShot.js';
export { encodeChoices, type ChoiceInputs } from './pipelines/multipleChoice.js';
export { AutoModel, AutoTokenizer } from './pipelines/auto.js';
// A gpu.js mode other than the registered backend's (a browser has no ROBERTA_GPUJS_MODE to set).
export { createGpujsBackend, GPUJS_MODES, type GpujsMode } from './kernels/gpujs/register.js';
// A webgpu backend with chosen options — `matmul` pins one version, as ROBERTA_WEBGPU_MATMUL does in
// Node — and the WGSL it compiles, for pages that compare the kernels (demo/'s Kernels tab).
export { createWebGpuBackend } from './kernels/wgsl/create.js';
export type { WebGpuBackend, WebGpuOptions } from './kernels/wgsl/backend.js';
export { MATMUL_VERSIONS, type MatmulVersion } from './kernels/wgsl/matmulVersions.js';
export { wgslSource, WGSL_KERNELS, type WgslKernel } from './kernels/wgsl/sources.js';
export { resolveModelDir, downloadRobertaSnapshot, HubError, type HubOptions } from './platform/modelSource.js';
