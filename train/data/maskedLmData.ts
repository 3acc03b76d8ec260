// Masked-LM micro-batches from text files: the token cache's stream, packed into FULL-SENTENCES
// sequences, fed in batches, each sequence masked afresh every time it is fed.
//
// Micro-batch `index` is batch b = index mod batchesPerEpoch of epoch e = ⌊index / batchesPerEpoch⌋:
// the sequences at places b·batchSize … of epoch e's order (a seeded shuffle per epoch for training,
// file order for evaluation). The last batch of an epoch holds what is left (as a PyTorch
// DataLoader without drop_last, the Trainer's default). The sequence at place p of epoch e is
// masked with key e·size + p, so every feed of a sequence draws its own mask, and a batch is a pure
// function of (text, tokenizer, seqLen, batchSize, seed, index).
//
// Evaluation data is read in file order and masked with EVAL_MASKING_SEED whatever the run's seed:
// every evaluation of every run scores the same masked tokens, so eval losses compare across runs.

import { loadTokenizer } from '../../tokenizer/load.js';
import type { Batch } from '../batch.js';
import type { TrainingData } from '../trainer/task.js';
import { epochOrder } from './epochOrder.js';
import { maskingRuleOf, maskSequence, type MaskingRule } from './masking.js';
import { PackedSequences } from './packing.js';
import { prepareTokenCache, TokenIds, type TokenCache, type TokenCacheOptions } from './tokenCache.js';

/** The masking seed of evaluation data. */
export const EVAL_MASKING_SEED = 0;

/** A masked-LM batch: rows of seqLen ids, no padding, labels −100 except at the selected tokens. */
export interface MaskedLmBatch extends Batch {
  readonly inputIds: number[][];
  readonly attentionMask: number[][];
  readonly labels: number[][];
}

export interface MaskedLmDataOptions extends TokenCacheOptions {
  /** Tokens per sequence, `<s>` and `</s>` included. */
  readonly seqLen: number;
  /** Sequences per micro-batch. */
  readonly batchSize: number;
  /** Seeds the epoch order and the masks (unused for evaluation data, which has its own). */
  readonly seed: number;
  /** 'train': a fresh order and fresh masks every epoch; 'eval': file order, the same masks every time. */
  readonly split: 'train' | 'eval';
}

export class MaskedLmData implements TrainingData {
  /** Sequences in one epoch. */
  readonly size: number;
  readonly batchesPerEpoch: number;
  /** The current epoch's order (a batch never spans two epochs, so one suffices). */
  private order: { readonly epoch: number; readonly places: Uint32Array } | undefined;

  constructor(
    readonly sequences: PackedSequences,
    readonly rule: MaskingRule,
    readonly batchSize: number,
    private readonly seed: number,
    private readonly shuffle: boolean,
  ) {
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`the batch size must be a positive integer, got ${batchSize}`);
    this.size = sequences.count;
    this.batchesPerEpoch = Math.ceil(this.size / batchSize);
  }

  /** Micro-batch `index` of the run (index ≥ batchesPerEpoch is a later epoch). */
  microBatch(index: number): MaskedLmBatch {
    if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`a micro-batch index must be an integer from 0, got ${index}`);
    const epoch = Math.floor(index / this.batchesPerEpoch);
    const first = (index % this.batchesPerEpoch) * this.batchSize;
    const inputIds: number[][] = [];
    const labels: number[][] = [];
    for (let place = first; place < Math.min(first + this.batchSize, this.size); place++) {
      const masked = maskSequence(this.sequences.sequence(this.sequenceAt(epoch, place)), this.rule, this.seed, epoch * this.size + place);
      inputIds.push(masked.inputIds);
      labels.push(masked.labels);
    }
    return { inputIds, attentionMask: inputIds.map((row) => row.map(() => 1)), labels };
  }

  private sequenceAt(epoch: number, place: number): number {
    if (!this.shuffle) return place;
    if (this.order?.epoch !== epoch) this.order = { epoch, places: epochOrder(this.seed, epoch, this.size) };
    return this.order.places[place]!;
  }
}

/** The token cache for the options' text (reused or written), and masked-LM batches from it. */
export async function loadMaskedLmData(options: MaskedLmDataOptions): Promise<MaskedLmData> {
  const tokenizer = options.tokenizer ?? (await loadTokenizer(options.tokenizerDir));
  const cache: TokenCache = await prepareTokenCache({ ...options, tokenizer });
  const { cls, sep } = tokenizer.specialTokens;
  const sequences = new PackedSequences(new TokenIds(cache), options.seqLen, cls.id, sep.id, options.textFiles.join(', '));
  const train = options.split === 'train';
  return new MaskedLmData(sequences, maskingRuleOf(tokenizer), options.batchSize, train ? options.seed : EVAL_MASKING_SEED, train);
}
