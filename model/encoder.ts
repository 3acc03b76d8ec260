// RobertaEncoder: N identical layers applied in turn (encoder.layer.0 … encoder.layer.{N-1}).

import { tidy } from '../engine/scope.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { RobertaLayer } from './layer.js';
import type { TrainingMode } from './nn.js';
import type { ParameterStore } from './parameters.js';

export class RobertaEncoder {
  readonly layer: readonly RobertaLayer[];

  constructor(params: ParameterStore, config: RobertaConfig, mode: TrainingMode) {
    // Built one by one, so a config naming more layers than the checkpoint holds stops at the first
    // missing weight, whatever the count (an array of 2^32 layers cannot even be made).
    const layers: RobertaLayer[] = [];
    for (let i = 0; i < config.numHiddenLayers; i++) layers.push(new RobertaLayer(params, `encoder.layer.${i}`, config, mode));
    this.layer = layers;
  }

  /**
   * Returns the input and every layer's output (hidden states 0…N), and each layer's attention
   * probabilities when `outputAttentions` asks for them (else none).
   */
  forward(embedded: Tensor, additiveMask: Tensor, outputAttentions = false): { hiddenStates: Tensor[]; attentions: Tensor[] } {
    const hiddenStates = [embedded];
    const attentions: Tensor[] = [];
    for (const layer of this.layer) {
      // Each layer in its own scope: its intermediates (q, k, v, scores, the FFN expansion) are
      // freed as soon as it is done, so peak memory is one layer's working set, not twelve.
      const { hidden, probs } = tidy(() => layer.forward(hiddenStates[hiddenStates.length - 1], additiveMask, outputAttentions));
      hiddenStates.push(hidden);
      if (probs) attentions.push(probs);
    }
    return { hiddenStates, attentions };
  }
}
