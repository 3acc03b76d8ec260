// Early stopping on a scripted sequence of eval losses, as transformers' EarlyStoppingCallback
// (threshold 0) decides: strictly lower is an improvement, and `patience` evaluations in a row
// without one stop training, the best evaluation's model being the one kept.

import { EarlyStopping } from '../../../train/classification/earlyStopping.js';

function run(patience: number, losses: readonly number[]) {
  const stopping = new EarlyStopping(patience);
  const decisions = [];
  for (const [epoch, loss] of losses.entries()) {
    const decision = stopping.observe(loss, epoch);
    decisions.push(decision);
    if (decision.stop) break;
  }
  return { decisions, best: stopping.bestEvaluation };
}

describe('EarlyStopping', () => {
  it('stops after `patience` evaluations without improvement and keeps the best', () => {
    const { decisions, best } = run(2, [0.9, 0.7, 0.75, 0.6, 0.65, 0.6, 0.5]);
    expect(decisions).toEqual([
      { improved: true, stop: false },
      { improved: true, stop: false },
      { improved: false, stop: false },
      { improved: true, stop: false }, // the count starts again
      { improved: false, stop: false },
      { improved: false, stop: true }, // equal to the best is no improvement
    ]);
    expect(best).toEqual({ loss: 0.6, step: 3 });
  });

  it('patience 1 stops at the first evaluation that does not improve', () => {
    const { decisions, best } = run(1, [0.5, 0.4, 0.41, 0.1]);
    expect(decisions.map((d) => d.stop)).toEqual([false, false, true]);
    expect(best).toEqual({ loss: 0.4, step: 1 });
  });

  it('never stops while every evaluation improves', () => {
    const { decisions, best } = run(1, [3, 2, 1, 0.5]);
    expect(decisions.every((d) => d.improved && !d.stop)).toBe(true);
    expect(best).toEqual({ loss: 0.5, step: 3 });
  });

  it('a NaN loss is no improvement', () => {
    expect(run(1, [1, NaN]).decisions[1]).toEqual({ improved: false, stop: true });
  });

  it('refuses a patience that is not a positive integer', () => {
    expect(() => new EarlyStopping(0)).toThrow('early stopping patience must be a positive integer, got 0');
    expect(() => new EarlyStopping(1.5)).toThrow(RangeError);
  });
});
