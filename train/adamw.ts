// AdamW with PyTorch's semantics (torch.optim.AdamW): weight decay decoupled from the gradient,
// bias-corrected moments, eps added after the square root. The master weights and both moments
// are float32 arrays on the host; after each step the new values are written into the parameter
// tensors, whichever backend holds them.
//
// Parameter groups as Hugging Face's Trainer makes them: weight decay for every parameter except
// biases and LayerNorm weights.
//
// The state a resumed run needs is the moments and the step count (exportState/importState): the
// master weights are the parameters' float32 values, which the checkpoint's model.safetensors holds
// exactly.

import { OpError } from '../engine/errors.js';
import type { NamedParameter } from './parameters.js';

export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

/** Trainer's rule: no weight decay for a bias or for any parameter of a LayerNorm module. */
export function decays(name: string): boolean {
  return !name.includes('bias') && !/(^|\.)(LayerNorm|layer_norm)\./.test(name);
}

/** The optimizer's state: the step count, and per parameter (in the order given to create) its two moments. */
export interface AdamWState {
  readonly step: number;
  readonly m: readonly Float32Array[];
  readonly v: readonly Float32Array[];
}

interface Slot {
  readonly parameter: NamedParameter;
  readonly values: Float32Array; // the master weights
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly weightDecay: number;
}

export class AdamW {
  private readonly slots: Slot[];
  private step = 0;

  /** Takes the parameters' current values (read once, here) as the master weights. */
  static async create(parameters: readonly NamedParameter[], options: AdamWOptions): Promise<AdamW> {
    const slots: Slot[] = [];
    for (const parameter of parameters) {
      const decay = parameter.names.map(decays);
      // A stacked tensor (query, key, value) is one group: three weights or three biases.
      if (decay.some((d) => d !== decay[0])) throw new OpError('AdamW', `${parameter.names.join(', ')} are stacked but not in one parameter group`);
      const values = Float32Array.from(await parameter.tensor.data());
      slots.push({ parameter, values, m: new Float32Array(values.length), v: new Float32Array(values.length), weightDecay: decay[0] ? options.weightDecay : 0 });
    }
    return new AdamW(slots, options);
  }

  private constructor(
    slots: Slot[],
    private readonly options: AdamWOptions,
  ) {
    this.slots = slots;
  }

  /** Copies of the moments and the step count, as the next update would start from them. */
  exportState(): AdamWState {
    return { step: this.step, m: this.slots.map((s) => s.m.slice()), v: this.slots.map((s) => s.v.slice()) };
  }

  /** Continues from `state` (from exportState, possibly of another process): the next update is step state.step + 1. */
  importState(state: AdamWState): void {
    if (state.m.length !== this.slots.length || state.v.length !== this.slots.length) {
      throw new OpError('AdamW', `the optimizer state has moments for ${state.m.length} parameters, the model has ${this.slots.length}`);
    }
    this.slots.forEach((slot, k) => {
      for (const [moment, saved] of [[slot.m, state.m[k]], [slot.v, state.v[k]]] as const) {
        if (saved.length !== moment.length) {
          throw new OpError('AdamW', `the optimizer state of ${slot.parameter.names.join(', ')} has ${saved.length} values, the parameter ${moment.length}`);
        }
        moment.set(saved);
      }
    });
    this.step = state.step;
  }

  /** The parameters, in the order of the state's moments. */
  get parameters(): readonly NamedParameter[] {
    return this.slots.map((s) => s.parameter);
  }

  /** One step at learning rate `lr` with `grads` (one per parameter, in the order given to create). */
  update(grads: readonly Float32Array[], lr: number): void {
    const { beta1, beta2, eps } = this.options;
    this.step++;
    const stepSize = lr / (1 - beta1 ** this.step);
    const correction2Sqrt = Math.sqrt(1 - beta2 ** this.step);
    this.slots.forEach(({ parameter, values: p, m, v, weightDecay }, k) => {
      const g = grads[k];
      const decay = 1 - lr * weightDecay;
      for (let i = 0; i < p.length; i++) {
        p[i] *= decay;
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / correction2Sqrt + eps);
      }
      parameter.tensor.overwrite(p.slice()); // a copy: host backends take the array over
    });
  }
}
