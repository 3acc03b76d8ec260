// tidy and keep: which tensors survive a scope.

import { keep, liveCounts, ops, tidy, type Tensor } from '../kernels/engine.js';

describe('tidy', () => {
  it('disposes what the function made, except what it returns', () => {
    let temporary: Tensor | undefined;
    const result = tidy(() => {
      temporary = ops.tensor([1, 2]);
      return ops.scale(temporary, 2);
    });
    expect(temporary?.isDisposed).toBe(true);
    expect(result.isDisposed).toBe(false);
  });

  it('keeps tensors returned inside arrays and plain objects, at any depth', () => {
    const made: Tensor[] = [];
    const make = () => {
      const t = ops.scalar(made.length);
      made.push(t);
      return t;
    };
    const result = tidy(() => {
      make();
      return { a: make(), list: [make(), { deep: make() }, 3, 'text', null], flag: true };
    });
    expect(made.map((t) => t.isDisposed)).toEqual([true, false, false, false]);
    expect(result.list[2]).toBe(3);
  });

  it('passes results that are not tensors through', () => {
    expect(tidy(() => 42)).toBe(42);
    expect(tidy(() => undefined)).toBeUndefined();
  });

  it('moves kept tensors to the enclosing scope, which disposes them unless it returns them too', () => {
    let inner: Tensor | undefined;
    const outer = tidy(() => {
      inner = tidy(() => ops.tensor([1]));
      const other = tidy(() => ops.tensor([2]));
      expect(inner.isDisposed).toBe(false);
      return other;
    });
    expect(inner?.isDisposed).toBe(true);
    expect(outer.isDisposed).toBe(false);
  });

  it('leaves alone tensors made outside it, even when it returns them', () => {
    const outside = ops.tensor([1]);
    const same = tidy(() => {
      ops.add(outside, 1);
      return outside;
    });
    expect(same).toBe(outside);
    expect(outside.isDisposed).toBe(false);
    tidy(() => outside);
    expect(outside.isDisposed).toBe(false);
  });

  it('keeps a view of a temporary readable after the temporary goes', async () => {
    const view = tidy(() => ops.reshape(ops.tensor([1, 2, 3, 4]), [2, 2]));
    expect(await view.array()).toEqual([[1, 2], [3, 4]]);
  });

  it('disposes everything and rethrows when the function throws, and the scopes stay balanced', () => {
    const before = liveCounts();
    let made: Tensor | undefined;
    expect(() =>
      tidy(() => {
        made = ops.tensor([1]);
        tidy(() => ops.tensor([2]));
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(made?.isDisposed).toBe(true);
    expect(liveCounts()).toEqual(before);
    // No scope is left open: a tensor made now is not disposed by anything.
    const after = ops.tensor([3]);
    tidy(() => ops.tensor([4]));
    expect(after.isDisposed).toBe(false);
  });

  it('refuses an async function, disposing what it made before its first await', async () => {
    let made: Tensor | undefined;
    expect(() =>
      tidy(async () => {
        made = ops.tensor([1]);
        await Promise.resolve();
      }),
    ).toThrow('tidy: the function must be synchronous (ops return at once; only reading with await is async)');
    expect(made?.isDisposed).toBe(true);
  });
});

describe('keep', () => {
  it('takes a tensor out of every open scope, so the caller owns it', () => {
    let kept: Tensor | undefined;
    tidy(() => {
      tidy(() => {
        kept = keep(ops.tensor([1]));
      });
    });
    expect(kept?.isDisposed).toBe(false);
    kept?.dispose();
  });
});
