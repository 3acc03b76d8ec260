// The harness must be able to fail. A fake backend named 'broken' shares the CPU backend's storage
// and kernels except for a few deliberately wrong ones, each a mistake a real GPU kernel could
// make; the harness must flag exactly the cases those mistakes show in, and nothing else.

import { getBackendByName, getKernel, registerKernel, registeredOps, type Backend, type BackendName, type Kernel, type OpName } from './engine.js';
import { CpuBackend } from '../../kernels/cpu/backend.js';
import type { CpuKernel } from '../../kernels/cpu/kernel.js';
import { compareValues, EXACT, PARITY_CASES, runParityCase } from './kernelParity.js';

/** topk that breaks ties toward the higher index (the spec says lower index first). */
const topkTiesLast: CpuKernel<'topk'> = (backend, [x], { k }, [values, indices]) => {
  const n = x.shape[x.shape.length - 1];
  const V = backend.allocate(x.dtype, values.size);
  const I = backend.allocate('int32', indices.size);
  for (let r = 0; r < values.size / k; r++) {
    const row = x.storage.subarray(r * n, (r + 1) * n);
    const order = [...row.keys()].sort((i, j) => row[j] - row[i] || j - i);
    for (let t = 0; t < k; t++) {
      I[r * k + t] = order[t];
      V[r * k + t] = row[order[t]];
    }
  }
  return [V, I];
};

/** LayerNorm with the one-pass variance E[v²] − E[v]², accumulated in float32. */
const layerNormOnePass: CpuKernel<'layerNorm'> = (backend, [x, weight, bias, residual], { eps }, [out]) => {
  const n = x.shape[x.shape.length - 1];
  const f = Math.fround;
  const v = Float32Array.from(x.storage, (value, i) => (residual ? value + residual.storage[i] : value));
  const Y = backend.allocate('float32', out.size);
  for (let off = 0; off < out.size; off += n) {
    let sum = 0;
    let squares = 0;
    for (let j = 0; j < n; j++) {
      sum = f(sum + v[off + j]);
      squares = f(squares + f(v[off + j] * v[off + j]));
    }
    const mean = f(sum / n);
    const variance = f(f(squares / n) - f(mean * mean));
    for (let j = 0; j < n; j++) Y[off + j] = ((v[off + j] - mean) / Math.sqrt(variance + eps)) * weight.storage[j] + bias.storage[j];
  }
  return [Y];
};

/** GELU computed with the tanh approximation (that is gelu_new, not gelu). */
const unaryGeluApproximated: CpuKernel<'unary'> = (backend, inputs, attrs, outputs) =>
  getKernel('cpu', 'unary')(backend, inputs, attrs.fn === 'gelu' ? { fn: 'gelu_new' } : attrs, outputs) as Float32Array[];

/** A correct cast that allocates a scratch buffer and never frees it. */
const castLeaking: CpuKernel<'cast'> = (backend, inputs, attrs, outputs) => {
  backend.allocate('float32', 16);
  return getKernel('cpu', 'cast')(backend, inputs, attrs, outputs) as Int32Array[];
};

// One map holds kernels of different ops, typed for host backends, so it is typed loosely: the
// fake backend is a CpuBackend under another name, and CPU kernels run on it unchanged.
const BROKEN = { topk: topkTiesLast, layerNorm: layerNormOnePass, unary: unaryGeluApproximated, cast: castLeaking } as Partial<Record<OpName, Kernel>>;
/** Left unregistered, to see how a missing kernel is reported. */
const MISSING: OpName = 'scale';

let cpu: Backend;
let broken: CpuBackend;

beforeAll(async () => {
  cpu = await getBackendByName('cpu');
  broken = new CpuBackend();
  Object.defineProperty(broken, 'name', { value: 'broken' });
  for (const op of registeredOps('cpu')) {
    if (op !== MISSING) registerKernel('broken' as BackendName, op, BROKEN[op] ?? getKernel('cpu', op));
  }
});

describe('the parity case table', () => {
  it('has a case for every op the CPU backend implements', () => {
    expect(new Set(PARITY_CASES.map((c) => c.op))).toEqual(new Set(registeredOps('cpu')));
  });

  it('names every case uniquely (the name is the test name and the seed)', () => {
    expect(new Set(PARITY_CASES.map((c) => c.name)).size).toBe(PARITY_CASES.length);
  });
});

describe('runParityCase', () => {
  it('flags exactly the cases that show the broken kernels, and passes the rest', async () => {
    const failures = new Map<string, string>();
    for (const testCase of PARITY_CASES.filter((c) => c.op !== MISSING)) {
      const failure = await runParityCase(testCase, cpu, broken);
      if (failure !== null) failures.set(testCase.name, failure);
    }
    const expected = [
      'topk k=6 [4,12] with ties (lower index first)',
      'topk k=4 int32 [3,10] with ties',
      'layerNorm [4,64] mean 1e4, spread 0.5',
      'layerNorm [3,768] mean 1e4, spread 0.5, + residual',
      'unary gelu [5,37] in [−8,8)',
      'unary gelu extremes',
      ...PARITY_CASES.filter((c) => c.op === 'cast').map((c) => c.name),
    ];
    expect([...failures.keys()].sort()).toEqual(expected.sort());
    expect(failures.get('topk k=6 [4,12] with ties (lower index first)')).toMatch(
      /^topk k=6 \[4,12\] with ties \(lower index first\) on broken: output 1: \d+ of 24 elements differ; worst at flat index \d+: expected \d+, got \d+/,
    );
    expect(failures.get('unary gelu extremes')).toMatch(/elements differ; worst at flat index \d+: expected -?[\d.e-]+, got -?[\d.e-]+ \(\|Δ\| [\d.e-]+, allowed [\d.e-]+\)$/);
    expect(failures.get('cast int32 [2,3] → int32')).toBe('cast int32 [2,3] → int32 on broken: the broken backend holds 1 more buffers than before (a kernel kept a temporary)');
  });

  it('applies per-op tolerance overrides to float outputs', async () => {
    const geluCase = PARITY_CASES.find((c) => c.name === 'unary gelu [5,37] in [−8,8)');
    if (!geluCase) throw new Error('the gelu case is missing');
    // The tanh approximation is within 1e-3 of the exact GELU everywhere.
    expect(await runParityCase(geluCase, cpu, broken, { tolerance: { unary: 1e-3 } })).toBeNull();
    expect(await runParityCase(geluCase, cpu, broken, { tolerance: { matmul: 1e-3 } })).not.toBeNull();
  });

  it('reports a missing kernel with the op and backend', async () => {
    const scaleCase = PARITY_CASES.find((c) => c.op === MISSING);
    if (!scaleCase) throw new Error('no scale case');
    await expect(runParityCase(scaleCase, cpu, broken)).rejects.toThrow('scale: the broken backend has no kernel for this op');
  });
});

describe('compareValues', () => {
  it('accepts differences within atol + rtol·|reference|', () => {
    expect(compareValues([1000, 0], [1000.02, 1e-5], { atol: 1e-5, rtol: 2e-5 })).toBeNull();
    expect(compareValues([1000], [1000.03], { atol: 1e-5, rtol: 2e-5 })).toBe(
      '1 of 1 elements differ; worst at flat index 0: expected 1000, got 1000.03 (|Δ| 0.029999999999972715, allowed 0.02001)',
    );
  });

  it('reports the worst element relative to its allowance, and how many differ', () => {
    const message = compareValues([0, 100, 5], [0.5, 101, 5], { atol: 0.1, rtol: 0 });
    expect(message).toMatch(/^2 of 3 elements differ; worst at flat index 1: expected 100, got 101/);
  });

  it('is exact for integers and for non-finite references', () => {
    expect(compareValues([3, -7], [3, -7], EXACT)).toBeNull();
    expect(compareValues([3, -7], [3, -6], EXACT)).toMatch(/^1 of 2 elements differ; worst at flat index 1: expected -7, got -6/);
    expect(compareValues([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity])).toBeNull();
    expect(compareValues([NaN], [0])).toMatch(/^1 of 1 elements differ/);
    expect(compareValues([1], [NaN])).toMatch(/^1 of 1 elements differ/);
    expect(compareValues([Infinity], [3.4e38])).toMatch(/^1 of 1 elements differ/);
  });

  it('reports a length mismatch', () => {
    expect(compareValues([1, 2, 3], [1, 2])).toBe('expected 3 elements, got 2');
  });
});
