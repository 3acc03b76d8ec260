// A model's trainable parameters under the names PyTorch's `model.named_parameters()` gives them
// for the Hugging Face model: task models keep the encoder under `roberta.`, a tied weight is
// listed once (the MLM decoder is the word embeddings), and the MLM decoder's bias is `lm_head.bias`.
// Query, key and value, which the model stacks into one projection, are three parameters here.

import * as ops from '../engine/ops/index.js';
import type { Tensor } from '../engine/tensor.js';
import { huggingFaceName, type AnyRobertaModel } from '../model/roberta.js';
import { TrainingUnsupportedError } from './trainingOps.js';

export interface NamedParameter {
  /** PyTorch's names of the tensor's equal parts along its first axis (one name for most). */
  readonly names: readonly string[];
  readonly tensor: Tensor;
}

/** The parameters to train: refused in one line for a model loaded as fp16 or q8, whose weights are not float32. */
export function namedParameters(model: AnyRobertaModel): NamedParameter[] {
  const { precision } = model.params;
  if (precision !== 'fp32') throw new TrainingUnsupportedError(`a model loaded with dtype ${precision} cannot train: its weights are not float32 (load it with dtype fp32)`);
  return model.params.parameters().map(({ names, tensor }) => ({ names: names.map((n) => huggingFaceName(model.architecture, n)), tensor }));
}

/** Each named part of `t` (a parameter's gradient or value), split as `names` says. */
export async function splitByName({ names }: NamedParameter, t: Tensor): Promise<{ name: string; shape: number[]; data: Float32Array }[]> {
  const data = (await t.data()) as Float32Array;
  const rows = t.shape[0] / names.length;
  const partSize = data.length / names.length;
  return names.map((name, i) => ({ name, shape: [rows, ...t.shape.slice(1)], data: data.subarray(i * partSize, (i + 1) * partSize) }));
}

/** Marks every parameter as requiring a gradient and drops any accumulated before (PyTorch's zero_grad()). */
export function zeroGradients(parameters: readonly NamedParameter[]): void {
  for (const { tensor } of parameters) {
    tensor.requiresGrad = true;
    tensor.grad?.dispose();
    tensor.grad = undefined;
  }
}

/** A parameter's gradient; zeros for one the loss does not depend on. */
export function gradientOf({ tensor }: NamedParameter): Tensor {
  return tensor.grad ?? ops.zeros(tensor.shape, tensor.backend);
}
