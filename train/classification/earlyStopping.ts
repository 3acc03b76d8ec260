// Early stopping on the eval loss, as transformers' EarlyStoppingCallback with
// load_best_model_at_end: an evaluation improves when its loss is below the best so far (strictly:
// early_stopping_threshold 0); after `patience` evaluations in a row without improvement, training
// stops, and the model kept is the one of the best evaluation.

import type { TypedArray } from '../../engine/dtype.js';
import type { AnyRobertaModel } from '../../model/roberta.js';
import type { EvalMetrics, StoppingRule } from '../trainer/task.js';

export interface EarlyStoppingDecision {
  /** This evaluation is the best so far: keep this model. */
  readonly improved: boolean;
  /** `patience` evaluations in a row have not improved: stop training. */
  readonly stop: boolean;
}

export class EarlyStopping {
  private best = Infinity;
  private bestStep: number | undefined;
  private sinceBest = 0;

  constructor(readonly patience: number) {
    if (!Number.isInteger(patience) || patience < 1) throw new RangeError(`early stopping patience must be a positive integer, got ${patience}`);
  }

  /** The loss of the evaluation at `step`. */
  observe(evalLoss: number, step: number): EarlyStoppingDecision {
    if (evalLoss < this.best) {
      this.best = evalLoss;
      this.bestStep = step;
      this.sinceBest = 0;
      return { improved: true, stop: false };
    }
    this.sinceBest++;
    return { improved: false, stop: this.sinceBest >= this.patience };
  }

  /** The best evaluation so far: its loss and step (undefined before the first). */
  get bestEvaluation(): { readonly loss: number; readonly step: number } | undefined {
    return this.bestStep === undefined ? undefined : { loss: this.best, step: this.bestStep };
  }
}

/**
 * The trainer's stopping rule for early stopping: after each evaluation, an improvement copies the
 * parameters to the host (as the Trainer saves the best checkpoint), and at the end they are put
 * back, so the final folder holds the best evaluation's model.
 */
export class EarlyStoppingRule implements StoppingRule {
  private readonly stopping: EarlyStopping;
  private best: { readonly metrics: EvalMetrics; readonly values: TypedArray[] } | undefined;

  constructor(patience: number) {
    this.stopping = new EarlyStopping(patience);
  }

  async afterEvaluation(model: AnyRobertaModel, metrics: EvalMetrics, step: number): Promise<boolean> {
    const { improved, stop } = this.stopping.observe(metrics.loss, step);
    if (improved) {
      const values: TypedArray[] = [];
      for (const { tensor } of model.params.parameters()) values.push(await tensor.data());
      this.best = { metrics, values };
    }
    return stop;
  }

  finalWeights(model: AnyRobertaModel): EvalMetrics | undefined {
    if (this.best === undefined) return undefined;
    const values = this.best.values;
    model.params.parameters().forEach(({ tensor }, i) => tensor.overwrite(values[i]));
    return this.best.metrics;
  }
}
