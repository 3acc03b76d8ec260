// Reverse-mode automatic differentiation, part 2: walking the tape backwards. The gradient of the
// loss flows from the last recorded op to the first; each entry's rule turns its outputs'
// gradients into its inputs' gradients, which add up where a tensor fed several ops (a residual,
// a tied weight). An entry's saved tensors are freed as soon as its rule has run, so memory falls
// as the walk proceeds. Leaves (parameters) accumulate into `.grad` across calls, as in PyTorch:
// clear them between optimizer steps.

import { OpError } from './errors.js';
import { add } from './ops/elementwise.js';
import { tensor } from './ops/creation.js';
import { keep, tidy } from './scope.js';
import { gradientRule, noGrad, release, takeTape, type TapeEdge } from './tape.js';
import { Tensor } from './tensor.js';

/** Adds `g` into where it belongs (taking ownership of it). */
function send(edge: TapeEdge | Tensor, g: Tensor): void {
  if (edge instanceof Tensor) {
    const before = edge.grad;
    edge.grad = keep(before ? add(before, g) : g);
    if (before) {
      before.dispose();
      g.dispose();
    }
    return;
  }
  const { entry, output } = edge;
  if (entry.released) return; // a branch of an earlier graph, already differentiated
  const before = entry.grads[output];
  entry.grads[output] = keep(before ? add(before, g) : g);
  if (before) {
    before.dispose();
    g.dispose();
  }
}

/**
 * Differentiates the scalar `loss` with respect to every leaf it depends on that requires a
 * gradient, adding into their `.grad`. Consumes the tape: everything recorded is released.
 */
export function backward(loss: Tensor): void {
  const op = 'backward';
  loss.assertLive(op);
  if (loss.size !== 1) throw new OpError(op, `the loss must hold one number, got shape [${loss.shape.join(', ')}]`);
  const origin = loss.gradFn ?? (loss.requiresGrad ? loss : undefined);
  if (origin === undefined || (!(origin instanceof Tensor) && origin.entry.released)) {
    throw new OpError(op, 'the loss does not depend on any tensor that requires a gradient (or its graph was already differentiated)');
  }
  const tape = takeTape();
  try {
    noGrad(() => {
      send(origin, tensor(new Float32Array([1]), loss.shape, 'float32', loss.backend));
      for (let i = tape.length - 1; i >= 0; i--) {
        const entry = tape[i];
        if (entry.released || entry.grads.every((g) => g === undefined)) continue;
        const rule = gradientRule(entry.op)!;
        const inputGrads = tidy(() => rule.backward(entry.context, entry.grads));
        // A rule may pass an output's gradient straight through (reshape, add): it then belongs to the input.
        entry.grads.forEach((g, k) => {
          if (g !== undefined && inputGrads.includes(g)) entry.grads[k] = undefined;
        });
        release(entry); // frees the saved tensors and the outputs' gradients
        const sent = new Set<Tensor>();
        inputGrads.forEach((g, k) => {
          const edge = entry.edges[k];
          if (g === undefined || edge === undefined) return;
          // One tensor may be the gradient of two inputs (x and the residual of a LayerNorm): each gets its own handle.
          send(edge, sent.has(g) ? keep(g.viewAs(g.shape)) : g);
          sent.add(g);
        });
        for (const g of inputGrads) if (g !== undefined && !sent.has(g)) g.dispose();
      }
    });
  } finally {
    for (const entry of tape) release(entry);
  }
}
