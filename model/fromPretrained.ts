// Loading a Hugging Face model directory (config.json + weights) onto a backend, choosing the
// model class from config.architectures as `AutoModel` does.

import type { Backend } from '../engine/backend.js';
import { selectBackend, type BackendPreference, type SelectionReport } from '../engine/select.js';
import { pretrainedDir, type HubOptions } from '../platform/modelSource.js';
import { ConfigError, loadRobertaConfig, type RobertaConfig } from './config.js';
import { ParameterStore } from './parameters.js';
import {
  RobertaForMaskedLM,
  RobertaForMultipleChoice,
  RobertaForQuestionAnswering,
  RobertaForSequenceClassification,
  RobertaForTokenClassification,
  RobertaModel,
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
}

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

/**
 * A model directory (in a browser: an http(s) URL of a model folder, or a Hub id) → the model class
 * config.architectures names, on the chosen backend. The Hub options are for the browser's sources.
 */
export async function fromPretrained(source: string, options: FromPretrainedOptions & HubOptions = {}): Promise<AnyRobertaModel & { readonly selection?: SelectionReport }> {
  const log = options.log ?? (() => {});
  const dir = await pretrainedDir(source, options);
  const config = await loadRobertaConfig(dir, (line) => log(`warning: ${line}`));
  const architecture = options.architecture ?? architectureOf(config);
  let backend: Backend;
  let selection: SelectionReport | undefined;
  if (typeof options.backend === 'object') backend = options.backend;
  else ({ backend, report: selection } = await selectBackend(options.backend ?? 'cpu'));
  selection?.lines.forEach((line) => log(`backend ${line}`));
  const checkpoint = await loadCheckpoint(dir);
  log(`weights: ${checkpoint.format} (${checkpoint.files.join(', ')}), ${checkpoint.tensors.size} tensors`);
  const params = new ParameterStore(checkpoint.tensors, backend, checkpoint.files.join(', '));
  let model: AnyRobertaModel;
  try {
    model = new ARCHITECTURES[architecture](params, config);
  } catch (error) {
    params.dispose();
    throw error;
  }
  const unused = params.unusedKeys();
  if (unused.length > 0) log(`unused checkpoint tensors (${unused.length}): ${unused.join(', ')}`);
  params.releaseHost();
  return Object.assign(model, { selection });
}
