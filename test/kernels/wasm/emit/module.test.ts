// The emitter end to end: small functions built with it, validated and run by the engine's own
// WebAssembly implementation, against values worked out by hand.

import { f32, f32x4, f64, i32, v128, type Expr } from '../../../../kernels/wasm/emit/expr.js';
import { ModuleBuilder } from '../../../../kernels/wasm/emit/module.js';
import { WebAssemblyApi } from '../../../../kernels/wasm/webAssemblyApi.js';

type Fn = (...args: number[]) => void;

async function instantiate(m: ModuleBuilder, shared: boolean): Promise<{ exports: Record<string, Fn>; memory: { buffer: ArrayBufferLike } }> {
  const memory = shared ? new WebAssemblyApi.Memory({ initial: 1, maximum: 4, shared: true }) : new WebAssemblyApi.Memory({ initial: 1 });
  const instance = await WebAssemblyApi.instantiate(await WebAssemblyApi.compile(m.encode(shared)), { env: { memory } });
  return { exports: instance.exports as Record<string, Fn>, memory };
}

/** The bytes 4l..4l+3 of each picked 32-bit lane. */
const lanes = (...picks: number[]) => picks.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);

function buildSamples(): ModuleBuilder {
  const m = new ModuleBuilder();

  // Σ i for i in [0, n), as a float at out.
  const triangle = m.function('triangle', { n: 'i32', out: 'i32' });
  {
    const i = triangle.local('i32', 'i');
    const sum = triangle.local('i32', 'sum');
    triangle.forRange(i, 0, triangle.params.n, 1, () => triangle.set(sum, i32.add(sum, i)));
    triangle.storeF32(triangle.params.out, f32.demoteF64(f64.convertI32(sum)));
  }

  // The number of Collatz steps from n down to 1: block, loop, br, br_if, if/else.
  const collatz = m.function('collatz', { n: 'i32', out: 'i32' });
  {
    const { n, out } = collatz.params;
    const steps = collatz.local('i32', 'steps');
    collatz.block((done) =>
      collatz.loop((next) => {
        collatz.brIf(done, i32.eq(n, 1));
        collatz.if(i32.and(n, 1), () => collatz.set(n, i32.add(i32.mul(n, 3), 1)), () => collatz.set(n, i32.divS(n, 2)));
        collatz.set(steps, i32.add(steps, 1));
        collatz.br(next);
      }),
    );
    collatz.storeF32(out, f32.demoteF64(f64.convertI32(steps)));
  }

  // dst = reverse(src) + 1.5, lane by lane, through a call to a second function.
  const addHalf = m.function('plusOneAndAHalf', { at: 'i32' });
  addHalf.storeV128(addHalf.params.at, f32x4.add(v128.load(addHalf.params.at), 1.5));
  const reverse = m.function('reversePlus', { src: 'i32', dst: 'i32' });
  {
    const v = reverse.local('v128', 'v');
    reverse.set(v, v128.load(reverse.params.src));
    reverse.storeV128(reverse.params.dst, v128.shuffle(v, v, lanes(3, 2, 1, 0)));
    reverse.call(addHalf, reverse.params.dst);
  }
  return m;
}

describe('ModuleBuilder', () => {
  it('builds modules that validate and compute what the builder calls say, with shared or unshared memory', async () => {
    for (const shared of [true, false]) {
      const { exports, memory } = await instantiate(buildSamples(), shared);
      const floats = new Float32Array(memory.buffer, 0, 16);
      exports.triangle(100, 0);
      expect(floats[0]).toBe(4950);
      exports.collatz(27, 4);
      expect(floats[1]).toBe(111);
      floats.set([1, 2, 3, 4], 4);
      exports.reversePlus(16, 32);
      expect([...floats.subarray(8, 12)]).toEqual([5.5, 4.5, 3.5, 2.5]);
    }
  });

  it('exports every function under its name and records names for stack traces', async () => {
    const bytes = buildSamples().encode(true);
    const module = await WebAssemblyApi.compile(bytes);
    const { Module } = (globalThis as unknown as { WebAssembly: { Module: { exports(m: unknown): { name: string }[]; customSections(m: unknown, name: string): ArrayBuffer[] } } }).WebAssembly;
    expect(Module.exports(module).map((e) => e.name)).toEqual(['triangle', 'collatz', 'plusOneAndAHalf', 'reversePlus']);
    expect(Module.customSections(module, 'name')).toHaveLength(1);
  });

  it('refuses operands of the wrong type, wrong argument counts and duplicate names', () => {
    const m = new ModuleBuilder();
    const f = m.function('f', { x: 'f32' });
    expect(() => i32.add(f.params.x as unknown as Expr<'i32'>, 1)).toThrow('operand type mismatch: expected i32, got f32');
    expect(() => i32.add(1.5, 0)).toThrow('i32 constant 1.5 is not an integer');
    const g = m.function('g', { a: 'i32', b: 'i32' });
    expect(() => f.call(g, 1)).toThrow('f: g takes 2 arguments, got 1');
    expect(() => m.function('g', {})).toThrow('ModuleBuilder: a function named g already exists');
    expect(() => v128.shuffle(f32x4.const(0), f32x4.const(0), [0, 1, 2])).toThrow('i8x16.shuffle needs 16 byte indices in [0, 31], got [0,1,2]');
  });
});
