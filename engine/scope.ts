// Deterministic lifetime. GPU memory is not garbage collected in any useful sense, so tensors are
// released explicitly: `t.dispose()`, or `tidy(fn)`, which disposes every tensor created while
// `fn` runs except those it returns (they move to the enclosing scope, if any).

import type { Tensor } from './tensor.js';

const scopes: Set<Tensor>[] = [];

/** Called by every new tensor: the innermost open scope will dispose it unless it escapes. */
export function track(t: Tensor): void {
  scopes[scopes.length - 1]?.add(t);
}

/** Takes `t` out of the innermost scope, so the caller owns it (weights, caches). */
export function keep<T extends Tensor>(t: T): T {
  for (const scope of scopes) scope.delete(t);
  return t;
}

function collect(value: unknown, into: Set<Tensor>, isTensor: (v: unknown) => v is Tensor): void {
  if (isTensor(value)) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into, isTensor);
  else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collect(v, into, isTensor);
  }
}

let tensorCheck: ((v: unknown) => v is Tensor) | undefined;

/** tensor.ts registers how to recognise a Tensor (it cannot be imported here without a cycle). */
export function setTensorCheck(check: (v: unknown) => v is Tensor): void {
  tensorCheck = check;
}

/** `fn` may return tensors directly or inside arrays and plain objects; those are kept. */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) {
      throw new Error('tidy: the function must be synchronous (ops return at once; only reading with await is async)');
    }
  } catch (error) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw error;
  }
  scopes.pop();
  const kept = new Set<Tensor>();
  if (tensorCheck) collect(result, kept, tensorCheck);
  for (const t of scope) if (!kept.has(t)) t.dispose();
  const parent = scopes[scopes.length - 1];
  if (parent) for (const t of kept) if (scope.has(t)) parent.add(t);
  return result;
}
