// RobertaEmbeddings: word + position + token type, then LayerNorm.
//   embeddings.word_embeddings.weight        [vocab, hidden]
//   embeddings.position_embeddings.weight    [max_positions, hidden]
//   embeddings.token_type_embeddings.weight  [type_vocab, hidden]
//   embeddings.LayerNorm.{weight,bias}       [hidden]

import * as ops from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { LayerNorm } from './nn.js';
import type { ParameterStore } from './parameters.js';

export class RobertaEmbeddings {
  readonly wordEmbeddings: Tensor;
  readonly positionEmbeddings: Tensor;
  readonly tokenTypeEmbeddings: Tensor;
  readonly layerNorm: LayerNorm;
  private readonly paddingIdx: number;

  constructor(params: ParameterStore, config: RobertaConfig) {
    const h = config.hiddenSize;
    this.wordEmbeddings = params.get('embeddings.word_embeddings.weight', [config.vocabSize, h]);
    this.positionEmbeddings = params.get('embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, h]);
    this.tokenTypeEmbeddings = params.get('embeddings.token_type_embeddings.weight', [config.typeVocabSize, h]);
    this.layerNorm = new LayerNorm(params, 'embeddings.LayerNorm', h, config.layerNormEps);
    this.paddingIdx = config.padTokenId;
  }

  /**
   * RoBERTa's position ids (HF's create_position_ids_from_input_ids): real tokens count up from
   * padding_idx + 1, padding tokens get padding_idx itself. Not 0, 1, 2, … as in BERT.
   */
  positionIds(inputIds: Tensor): Tensor {
    const isToken = ops.notEqual(inputIds, this.paddingIdx); // int32 [batch, seq], 1 for non-padding
    return ops.add(ops.mul(ops.cumsum(isToken, 1), isToken), this.paddingIdx);
  }

  forward(inputIds: Tensor, tokenTypeIds: Tensor): Tensor {
    const words = ops.gather(this.wordEmbeddings, inputIds); // [batch, seq, hidden]
    const positions = ops.gather(this.positionEmbeddings, this.positionIds(inputIds));
    const types = ops.gather(this.tokenTypeEmbeddings, tokenTypeIds);
    // HF sums in this order: (words + types) + positions, then LayerNorm (dropout is off at inference).
    return this.layerNorm.forward(ops.add(words, types), positions);
  }
}
