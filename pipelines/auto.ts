// AutoTokenizer / AutoModel, as in transformers: take a local directory or a Hub id, and pick
// the model class from config.architectures.

import { resolveModelDir, type HubOptions } from '../platform/modelSource.js';
import { fromPretrained, type FromPretrainedOptions } from '../model/fromPretrained.js';
import type { AnyRobertaModel } from '../model/roberta.js';
import { loadTokenizer, type RobertaTokenizer } from '../tokenizer/index.js';

export type PretrainedOptions = HubOptions & FromPretrainedOptions;

export const AutoTokenizer = {
  async fromPretrained(idOrDir: string, options: HubOptions = {}): Promise<RobertaTokenizer> {
    return loadTokenizer(await resolveModelDir(idOrDir, options));
  },
};

export const AutoModel = {
  async fromPretrained(idOrDir: string, options: PretrainedOptions = {}): Promise<AnyRobertaModel> {
    return fromPretrained(await resolveModelDir(idOrDir, options), options);
  },
};
