// Loading a Hugging Face model directory (config.json + weights) onto a backend, choosing the
// model class from config.architectures as `AutoModel` does; or building one from a bare config
// with fresh weights (HF's `Model(config)`, initialised as model/initialize.ts says).

import type { Backend } from '../engine/backend.js';
import { UnsupportedDTypeError } from '../engine/errors.js';
import { hasKernel } from '../engine/registry.js';
import { selectBackend, type BackendPreference, type SelectionReport } from '../engine/select.js';
import { pretrainedDir, type HubOptions } from '../platform/modelSource.js';
import { ConfigError, loadRobertaConfig, type RobertaConfig } from './config.js';
import { initialWeights, type ParameterInitializer } from './initialize.js';
import { ParameterStore } from './parameters.js';
import { isWeightPrecision, WEIGHT_PRECISIONS, type WeightPrecision } from './precision.js';
import {
  RobertaForMaskedLM,
  RobertaForMultipleChoice,
  RobertaForQuestionAnswering,
  RobertaForSequenceClassification,
  RobertaForTokenClassification,
  RobertaModel,
  huggingFaceName,
  type AnyRobertaModel,
  type RobertaArchitecture,
} from './roberta.js';
import { loadCheckpoint } from './weights/load.js';

export interface FromPretrainedOptions {
  /** A backend instance, or which one to pick (default `cpu`). */
  readonly backend?: Backend | BackendPreference;
  /** Build this class instead of the one config.architectures names. */
  readonly architecture?: RobertaArchitecture;
  /** Called with diagnostics: the backend report, the weight format, unused checkpoint keys, config warnings. */
  readonly log?: (line: string) => void;
  /**
   * How to keep the weights (precision.ts): `fp32`, `fp16` or `q8` (int8 linear layers, quantized
   * at load from a float checkpoint). Default: what a quantized folder's config.json records, else fp32.
   */
  readonly dtype?: WeightPrecision;
  /** With dtype q8, the word embeddings (and the masked-LM decoder tied to them) int8 too, a scale per row. */
  readonly int8Embeddings?: boolean;
  /** Use this config instead of the folder's config.json (HF's `config=`): e.g. a classifier's labels over an MLM checkpoint. */
  readonly config?: RobertaConfig;
  /**
   * Initialise the weights the checkpoint lacks (a task head new to it) as HF's _init_weights does,
   * from this seed, and log their names as HF's warning does; without it a missing weight is a
   * MissingWeightError.
   */
  readonly initializeMissing?: { readonly seed: number };
}

export interface FromConfigOptions {
  /** A backend instance, or which one to pick (default `cpu`). */
  readonly backend?: Backend | BackendPreference;
  /** Build this class instead of the one config.architectures names. */
  readonly architecture?: RobertaArchitecture;
  /** Every weight is a pure function of this seed (an integer in [0, 2³²)), its name and shape. */
  readonly seed: number;
  /** Called with the backend report. */
  readonly log?: (line: string) => void;
}

type ModelWithSelection = AnyRobertaModel & { readonly selection?: SelectionReport };

const ARCHITECTURES: Readonly<Record<RobertaArchitecture, new (params: ParameterStore, config: RobertaConfig) => AnyRobertaModel>> = {
  RobertaModel,
  RobertaForSequenceClassification,
  RobertaForMaskedLM,
  RobertaForTokenClassification,
  RobertaForQuestionAnswering,
  RobertaForMultipleChoice,
};

export function architectureOf(config: RobertaConfig): RobertaArchitecture {
  const named = config.architectures ?? [];
  const known = named.find((a): a is RobertaArchitecture => a in ARCHITECTURES);
  if (known) return known;
  if (named.length === 0) return 'RobertaModel';
  throw new ConfigError(`config.architectures names ${named.join(', ')}; supported: ${Object.keys(ARCHITECTURES).join(', ')}`);
}

/** The backend asked for, with its selection report logged. */
async function resolveBackend(preference: Backend | BackendPreference | undefined, log: (line: string) => void): Promise<{ backend: Backend; selection?: SelectionReport }> {
  if (typeof preference === 'object') return { backend: preference };
  const { backend, report } = await selectBackend(preference ?? 'cpu');
  report.lines.forEach((line) => log(`backend ${line}`));
  return { backend, selection: report };
}

/** The model class `architecture` on `params`, which are disposed if it cannot be built. */
function build(architecture: RobertaArchitecture, params: ParameterStore, config: RobertaConfig): AnyRobertaModel {
  try {
    return new ARCHITECTURES[architecture](params, config);
  } catch (error) {
    params.dispose();
    throw error;
  }
}

/**
 * The precision to load in: the one asked for, else the folder's own. A q8 folder holds no float
 * weights to give fp32 or fp16 from; a backend without the int8 kernel is refused before loading.
 */
function chooseWeightPrecision(source: string, config: RobertaConfig, backend: Backend, asked: WeightPrecision | undefined): WeightPrecision {
  if (asked !== undefined && !isWeightPrecision(asked)) throw new ConfigError(`dtype must be one of ${WEIGHT_PRECISIONS.join(', ')}, got ${String(asked)}`);
  const dtype = asked ?? config.quantization ?? 'fp32';
  if (config.quantization === 'q8' && dtype !== 'q8') {
    throw new ConfigError(`${source} holds q8 (int8) weights: load it with dtype q8, or convert its float original to ${dtype}`);
  }
  if (dtype === 'q8' && !hasKernel(backend.name, 'quantizedLinear')) {
    throw new UnsupportedDTypeError(backend.name, 'int8', 'it has no quantizedLinear kernel (use --backend cpu, wasm or webgpu for --dtype q8)');
  }
  return dtype;
}

/** A Python list of strings, as HF's warnings print one. */
function pythonList(names: readonly string[]): string {
  return `[${names.map((n) => `'${n}'`).join(', ')}]`;
}

/**
 * A model directory (in a browser: an http(s) URL of a model folder, or a Hub id) → the model class
 * config.architectures names, on the chosen backend. The Hub options are for the browser's sources.
 */
export async function fromPretrained(source: string, options: FromPretrainedOptions & HubOptions = {}): Promise<ModelWithSelection> {
  const log = options.log ?? (() => {});
  const dir = await pretrainedDir(source, options);
  const config = options.config ?? (await loadRobertaConfig(dir, (line) => log(`warning: ${line}`)));
  const architecture = options.architecture ?? architectureOf(config);
  const { backend, selection } = await resolveBackend(options.backend, log);
  const dtype = chooseWeightPrecision(source, config, backend, options.dtype);
  if (options.int8Embeddings === true && dtype !== 'q8') throw new ConfigError(`int8 embeddings are part of q8: load with dtype q8, not ${dtype}`);
  const checkpoint = await loadCheckpoint(dir);
  log(`weights: ${checkpoint.format} (${checkpoint.files.join(', ')}), ${checkpoint.tensors.size} tensors`);
  log(`weights dtype: ${dtype}${config.quantization === undefined ? (dtype === 'fp32' ? '' : ', converted at load') : ', as stored'}`);
  const initialize: ParameterInitializer | undefined = options.initializeMissing && initialWeights(config, options.initializeMissing.seed);
  const params = new ParameterStore(checkpoint.tensors, backend, checkpoint.files.join(', '), dtype, initialize, options.int8Embeddings);
  const model = build(architecture, params, config);
  const unused = params.unusedKeys();
  if (unused.length > 0) log(`unused checkpoint tensors (${unused.length}): ${unused.join(', ')}`);
  const created = params.initializedNames().map((name) => huggingFaceName(architecture, name));
  if (created.length > 0) {
    log(
      `Some weights of ${architecture} were not initialized from the model checkpoint at ${source} and are newly initialized: ${pythonList(created.sort())}. ` +
        'You should probably TRAIN this model on a down-stream task to be able to use it for predictions and inference.',
    );
  }
  params.releaseHost();
  return Object.assign(model, { selection });
}

/**
 * A model with fresh weights from a bare config (HF's `RobertaForMaskedLM(config)`): every weight
 * initialised as HF's _init_weights does, from `seed`; the class config.architectures names unless
 * `architecture` says otherwise.
 */
export async function fromConfig(config: RobertaConfig, options: FromConfigOptions): Promise<ModelWithSelection> {
  const initialize = initialWeights(config, options.seed);
  const architecture = options.architecture ?? architectureOf(config);
  const { backend, selection } = await resolveBackend(options.backend, options.log ?? (() => {}));
  const params = new ParameterStore(new Map(), backend, `fresh weights (seed ${options.seed})`, undefined, initialize);
  const model = build(architecture, params, config);
  params.releaseHost();
  return Object.assign(model, { selection });
}
