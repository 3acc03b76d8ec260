// RobertaPooler: tanh(dense(hidden state of the first token <s>)).  pooler.dense [hidden, hidden]

import * as ops from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { Linear } from './nn.js';
import type { ParameterStore } from './parameters.js';

export class RobertaPooler {
  readonly dense: Linear;

  constructor(params: ParameterStore, config: RobertaConfig) {
    this.dense = new Linear(params, 'pooler.dense', config.hiddenSize, config.hiddenSize);
  }

  /** [batch, seq, hidden] → [batch, hidden] */
  forward(hidden: Tensor): Tensor {
    return this.dense.forward(ops.select(hidden, 1, 0), 'tanh');
  }
}
