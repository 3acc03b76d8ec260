// The shared kernel-parity harness: every backend proves its kernels against the CPU reference
// on the same table of cases (parityCases.ts). A backend's test file is one line:
//
//   describeKernelParity('webgpu', () => createWebGpuBackend(), { tolerance: { matmul: 1e-4 } });
//
// `runParityCase` does the work without jest, so the harness itself can be tested.

import { getBackendByName, liveCounts, ops, tidy, type Backend, type DType, type OpName, type Shape, type Tensor, type TypedArray, type WeightDType } from './engine.js';
import { compareValues, DEFAULT_TOLERANCE, EXACT, type Tolerance } from './compare.js';
import { PARITY_CASES, type HostTensor, type ParityCase } from './parityCases.js';
import { Random, seedFrom } from './random.js';

export { compareValues, DEFAULT_TOLERANCE, EXACT, type Tolerance } from './compare.js';
export { PARITY_CASES, type HostTensor, type ParityCase } from './parityCases.js';

export interface KernelParityOptions {
  /** Per-op absolute tolerance overrides (replacing atol 1e-5; rtol stays 1e-5). Int outputs are always exact. */
  tolerance?: Partial<Record<OpName, number>>;
  /**
   * Ops this backend has no kernel for yet (training's backward ops): their cases must fail with
   * the missing-kernel error, so a kernel added later has to be taken off this list to be tested.
   */
  lacking?: readonly OpName[];
  /** Weight dtypes this backend cannot store: their cases must fail with the backend's refusal (UnsupportedDTypeError). */
  refusedWeightDTypes?: readonly WeightDType[];
}

interface Output {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly data: TypedArray;
}

/** Uploads the inputs to `backend`, runs the case there, reads its outputs back, and frees everything. */
async function evaluate(testCase: ParityCase, host: readonly HostTensor[], backend: Backend): Promise<Output[]> {
  const outputs = tidy(() => {
    // A copy per backend: host-memory backends take the array over instead of copying it.
    const inputs = host.map((h) => ops.tensor(h.data.slice(), h.shape, undefined, backend));
    const result = testCase.run(inputs);
    return Array.isArray(result) ? result : [result];
  });
  try {
    return await Promise.all(outputs.map(async (t: Tensor) => ({ shape: t.shape, dtype: t.dtype, data: await t.data() })));
  } finally {
    for (const t of outputs) t.dispose();
  }
}

function toleranceFor(op: OpName, dtype: DType, options: KernelParityOptions): Tolerance {
  if (dtype === 'int32') return EXACT;
  return { atol: options.tolerance?.[op] ?? DEFAULT_TOLERANCE.atol, rtol: DEFAULT_TOLERANCE.rtol };
}

/**
 * Runs one case on `reference` and on `candidate` with the same inputs and compares the outputs.
 * Null when they agree and the case left no tensor and no candidate storage behind; else one
 * line per problem.
 */
export async function runParityCase(testCase: ParityCase, reference: Backend, candidate: Backend, options: KernelParityOptions = {}): Promise<string | null> {
  const host = testCase.inputs(new Random(seedFrom(testCase.name)));
  const liveBefore = liveCounts().tensors;
  const buffersBefore = candidate.memory().buffers;
  const expected = await evaluate(testCase, host, reference);
  const actual = await evaluate(testCase, host, candidate);
  const problems: string[] = [];
  expected.forEach((want, i) => {
    const got = actual[i];
    const label = expected.length > 1 ? `output ${i}: ` : '';
    if (want.dtype !== got.dtype || want.shape.join() !== got.shape.join()) {
      problems.push(`${label}expected ${want.dtype} [${want.shape}], got ${got.dtype} [${got.shape}]`);
      return;
    }
    const mismatch = compareValues(want.data, got.data, toleranceFor(testCase.op, want.dtype, options));
    if (mismatch) problems.push(`${label}${mismatch}`);
  });
  const leakedTensors = liveCounts().tensors - liveBefore;
  if (leakedTensors !== 0) problems.push(`${leakedTensors} tensors were left live`);
  const leakedBuffers = candidate.memory().buffers - buffersBefore;
  if (leakedBuffers !== 0) problems.push(`the ${candidate.name} backend holds ${leakedBuffers} more buffers than before (a kernel kept a temporary)`);
  return problems.length === 0 ? null : `${testCase.name} on ${candidate.name}: ${problems.join('; ')}`;
}

/**
 * Declares one jest test per parity case, comparing `getBackend()`'s kernels with the CPU
 * reference. The harness owns the backend `getBackend` returns and disposes it after the last case.
 */
export function describeKernelParity(backendName: string, getBackend: () => Promise<Backend>, options: KernelParityOptions = {}): void {
  describe(`${backendName} kernels match the CPU reference`, () => {
    let reference: Backend;
    let candidate: Backend | undefined;
    beforeAll(async () => {
      reference = await getBackendByName('cpu');
      candidate = await getBackend();
    });
    afterAll(async () => {
      await candidate?.dispose();
    });
    for (const testCase of PARITY_CASES) {
      const { weightDType } = testCase;
      if (weightDType !== undefined && options.refusedWeightDTypes?.includes(weightDType)) {
        it(`${testCase.name}: refused, ${weightDType} weights are not stored here`, async () => {
          if (!candidate) throw new Error(`the ${backendName} backend was not created`);
          await expect(runParityCase(testCase, reference, candidate, options)).rejects.toThrow(`the ${candidate.name} backend cannot hold ${weightDType} weights`);
        });
        continue;
      }
      if (options.lacking?.includes(testCase.op)) {
        it(`${testCase.name}: refused, no kernel yet`, async () => {
          if (!candidate) throw new Error(`the ${backendName} backend was not created`);
          await expect(runParityCase(testCase, reference, candidate, options)).rejects.toThrow(`${testCase.op}: the ${candidate.name} backend has no kernel for this op`);
        });
        continue;
      }
      it(testCase.name, async () => {
        if (!candidate) throw new Error(`the ${backendName} backend was not created`);
        expect(await runParityCase(testCase, reference, candidate, options)).toBeNull();
      });
    }
  });
}
