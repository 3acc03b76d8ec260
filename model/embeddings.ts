// RobertaEmbeddings: word + position + token type, then LayerNorm.
//   embeddings.word_embeddings.weight        [vocab, hidden]
//   embeddings.position_embeddings.weight    [max_positions, hidden]
//   embeddings.token_type_embeddings.weight  [type_vocab, hidden]
//   embeddings.LayerNorm.{weight,bias}       [hidden]

import * as ops from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import type { RobertaConfig } from './config.js';
import { Dropout, embeddingLookup, LayerNorm, type LinearWeight, type TrainingMode } from './nn.js';
import type { ParameterStore } from './parameters.js';

export class RobertaEmbeddings {
  readonly wordEmbeddings: LinearWeight; // int8 rows with a scale each under --q8-embeddings (precision.ts)
  readonly positionEmbeddings: Tensor;
  readonly tokenTypeEmbeddings: Tensor;
  readonly layerNorm: LayerNorm;
  readonly dropout: Dropout;
  private readonly paddingIdx: number;

  constructor(params: ParameterStore, config: RobertaConfig, mode: TrainingMode) {
    const h = config.hiddenSize;
    this.wordEmbeddings = params.embeddingTable('embeddings.word_embeddings', [config.vocabSize, h]);
    this.positionEmbeddings = params.get('embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, h]);
    this.tokenTypeEmbeddings = params.get('embeddings.token_type_embeddings.weight', [config.typeVocabSize, h]);
    this.layerNorm = new LayerNorm(params, 'embeddings.LayerNorm', h, config.layerNormEps);
    this.dropout = new Dropout(config.hiddenDropoutProb, mode);
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
    // Both tables are nn.Embedding(padding_idx=pad_token_id) in HF: the padding row gets no gradient.
    const words = embeddingLookup(this.wordEmbeddings, inputIds, { paddingIdx: this.paddingIdx }); // [batch, seq, hidden]
    const positions = ops.gather(this.positionEmbeddings, this.positionIds(inputIds), { paddingIdx: this.paddingIdx });
    const types = ops.gather(this.tokenTypeEmbeddings, tokenTypeIds);
    // HF sums in this order: (words + types) + positions, then LayerNorm and dropout.
    return this.dropout.forward(this.layerNorm.forward(ops.add(words, types), positions));
  }
}
