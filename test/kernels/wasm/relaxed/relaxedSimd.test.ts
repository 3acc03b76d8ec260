// Relaxed SIMD (f32x4.relaxed_madd): the kernels built with it and without it both agree with the
// CPU reference, and the choice follows the engine, the option and ROBERTA_WASM_RELAXED. Node 20
// has relaxed SIMD only behind --experimental-wasm-relaxed-simd, so that path runs in a child
// process started with the flag (from dist/: `npm run build` first), which must report that it
// detected relaxed SIMD and built its kernels with it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import '../../../../index.js';
import '../../../../kernels/wasm/register.js';
import { disposeBackends, getBackendByName, ops, type Shape } from '../../../../index.js';
import { WasmBackend } from '../../../../kernels/wasm/backend.js';
import { hasRelaxedSimd } from '../../../../kernels/wasm/features.js';
import { runProcess, type ProcessRun } from '../../../childProcess.js';
import { runCli } from '../../../cli/runCli.js';
import { compareValues, type Tolerance } from '../../compare.js';
import { Random } from '../../random.js';

const CHILD = fileURLToPath(new URL('./relaxedChild.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../../../dist/kernels/wasm/features.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../../../dist/cli/main.js', import.meta.url));

interface CaseInput {
  readonly data: number[];
  readonly shape: Shape;
}
interface Case {
  readonly op: 'linear' | 'matmul' | 'softmax';
  readonly inputs: CaseInput[];
  readonly activation?: 'gelu';
}

const random = new Random(1807);
const input = (shape: Shape, lo = -1, hi = 1): CaseInput => ({ data: Array.from(random.floats(shape.reduce((a, b) => a * b, 1), lo, hi)), shape });
/** Edges of the 4×8 tile and the unrolled k loop, a long reduction, GELU's epilogue, attention's batched product, softmax's exp. */
const CASES: Case[] = [
  { op: 'linear', inputs: [input([17, 33]), input([13, 33]), input([13])] },
  { op: 'linear', inputs: [input([5, 1031]), input([24, 1031]), input([24])], activation: 'gelu' },
  { op: 'matmul', inputs: [input([2, 3, 9, 64]), input([2, 3, 11, 64])] },
  { op: 'softmax', inputs: [input([7, 131], -20, 20)] },
];
/** FMA skips the product's rounding, so sums move by about an ulp per term: the parity default still holds. */
const TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5 };

interface ChildBackend {
  description: string;
  paths: Record<string, string | number>;
  outputs: number[][];
}
interface ChildReport {
  detected: boolean;
  cpu: number[][];
  backends: { default: ChildBackend; override0: ChildBackend };
}

/** Runs `script` (the case runner, which reads the cases on its stdin, by default) in node --experimental-wasm-relaxed-simd. */
function runChild(env: NodeJS.ProcessEnv, script = CHILD, args: readonly string[] = []): Promise<ProcessRun> {
  if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run npm run build first`);
  const input = script === CHILD ? JSON.stringify(CASES) : undefined;
  return runProcess(process.execPath, ['--experimental-wasm-relaxed-simd', script, ...args], { env, input });
}

describe('relaxed SIMD in a child process with --experimental-wasm-relaxed-simd', () => {
  let report: ChildReport;

  beforeAll(async () => {
    const { code, stdout, stderr } = await runChild({ ...process.env, ROBERTA_WASM_RELAXED: '' });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    report = JSON.parse(stdout) as ChildReport;
  });

  it('detects relaxed SIMD and builds the kernels with it by default', () => {
    expect(report.detected).toBe(true);
    expect(report.backends.default.description).toBe('wasm: WebAssembly relaxed SIMD kernels, 2 threads (Node worker_threads); other ops on the TypeScript reference kernels');
    expect(report.backends.default.paths).toEqual({ simd: 'relaxed-simd', threads: 2, f32: 'f32x4.relaxed_madd', int8: 'i32x4.dot_i16x8_s', fp16: 'widened to f32 per panel' });
  });

  it('roberta info says which path the wasm kernels take', async () => {
    const { code, stdout } = await runChild({ ...process.env, ROBERTA_WASM_RELAXED: '' }, CLI, ['info']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}wasm: wasm: WebAssembly relaxed SIMD kernels, \d+ threads? .*\n {6}paths: simd relaxed-simd, threads \d+, f32 f32x4\.relaxed_madd, int8 i32x4\.dot_i16x8_s, fp16 widened to f32 per panel$/m);
  });

  it('builds SIMD-128 kernels when ROBERTA_WASM_RELAXED=0, though the engine has relaxed SIMD', () => {
    expect(report.backends.override0.paths).toMatchObject({ simd: 'simd128', threads: 2, f32: 'f32x4.mul + f32x4.add' });
  });

  it('agrees with the CPU reference on both paths, and the paths really differ (FMA rounds once)', () => {
    CASES.forEach((_, i) => {
      expect(compareValues(report.cpu[i], report.backends.default.outputs[i], TOLERANCE)).toBeNull();
      expect(compareValues(report.cpu[i], report.backends.override0.outputs[i], TOLERANCE)).toBeNull();
    });
    const linear = (name: 'default' | 'override0') => report.backends[name].outputs[1];
    expect(linear('default').filter((v, j) => v !== linear('override0')[j]).length).toBeGreaterThan(0);
  });

  it('refuses a ROBERTA_WASM_RELAXED that is not 0 or 1, in one line', async () => {
    const { code, stderr } = await runChild({ ...process.env, ROBERTA_WASM_RELAXED: 'yes' });
    expect(code).not.toBe(0);
    expect(stderr).toContain('ROBERTA_WASM_RELAXED must be 0 or 1, got "yes"');
  });
});

describe('relaxed SIMD in this process', () => {
  it('roberta info --json reports the wasm kernel paths this process builds', async () => {
    const info = await runCli(['info', '--json']);
    expect(info.code).toBe(0);
    const { backends } = JSON.parse(info.stdout) as { backends: { wasm: { paths: Record<string, string | number> } } };
    const wasm = await getBackendByName('wasm');
    expect(backends.wasm.paths).toEqual((wasm as WasmBackend).kernelPaths());
    expect(backends.wasm.paths.simd).toBe(hasRelaxedSimd() ? 'relaxed-simd' : 'simd128');
  });

  it('is used exactly when the engine has it, and asking for it where it lacks it is an error', async () => {
    const cpu = await getBackendByName('cpu');
    const wasm = await WasmBackend.create({ threads: 1 });
    try {
      expect(wasm.features.relaxed).toBe(hasRelaxedSimd());
      const [x, w] = [input([9, 70]), input([10, 70])];
      const run = async (b: typeof cpu) => ops.linear(ops.tensor(Float32Array.from(x.data), x.shape, 'float32', b), ops.tensor(Float32Array.from(w.data), w.shape, 'float32', b)).data();
      expect(compareValues(await run(cpu), await run(wasm), TOLERANCE)).toBeNull();
    } finally {
      await wasm.dispose();
    }
    if (hasRelaxedSimd()) {
      const relaxed = await WasmBackend.create({ threads: 1, relaxedSimd: true });
      expect(relaxed.kernelPaths().simd).toBe('relaxed-simd');
      await relaxed.dispose();
    } else {
      await expect(WasmBackend.create({ relaxedSimd: true })).rejects.toThrow(
        'wasm backend: relaxed SIMD was asked for, but this WebAssembly engine lacks it (Node 20 needs --experimental-wasm-relaxed-simd; Node 22+ and Chrome 114+ have it)',
      );
    }
  });
});

afterAll(disposeBackends);
