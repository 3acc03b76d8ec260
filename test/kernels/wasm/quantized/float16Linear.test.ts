// linear with a float16 weight on wasm: the weight stays half floats in wasm memory (2 bytes each)
// and each panel is widened exactly to float32 as it is used, so the result must equal float32
// linear on the widened weight (an independent reference: the CPU's float32 kernel on
// halfBitsToFloat's values) to the parity tolerance, and equal the same wasm float32 kernel on
// those values bit for bit (same panels, same sums). Special halves (±0, subnormals, ±∞) widen exactly.

import '../../../../index.js';
import '../../../../kernels/wasm/register.js';
import { ops, tidy, type Backend, type Tensor, type UnaryFn } from '../../../../index.js';
import { floatToHalfBits, halfBitsToFloat } from '../../../../engine/halfFloat.js';
import { WasmBackend } from '../../../../kernels/wasm/backend.js';
import { compareValues } from '../../compare.js';
import { fileBackends } from '../../fileBackends.js';
import { Random, seedFrom } from '../../random.js';

const backends = fileBackends({ wasm: () => WasmBackend.create({ threads: 2 }) });

async function take(t: Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function linearCase(m: number, n: number, k: number, bias: boolean, activation: UnaryFn | null = null, halves?: (r: Random) => Uint16Array) {
  it(`x[${m},${k}]·W[${n},${k}]ᵀ (float16)${bias ? ' + b' : ''}${activation ? `, ${activation}` : ''}`, async () => {
    const r = new Random(seedFrom(`${m},${n},${k},${activation}`));
    const x = r.floats(m * k);
    const w = halves ? halves(r) : Uint16Array.from(r.floats(n * k), (v) => floatToHalfBits(v));
    const widened = Float32Array.from(w, (h) => halfBitsToFloat(h));
    const b = r.floats(n);
    const on = (backend: Backend, weight: Tensor) =>
      tidy(() => ops.linear(ops.tensor(x, [m, k], 'float32', backend), weight, bias ? ops.tensor(b, [n], 'float32', backend) : undefined, activation));
    const half = ops.tensor(w, [n, k], 'float16', backends.wasm);
    const got = await take(on(backends.wasm, half));
    expect([...(await half.data())]).toEqual([...w]); // storage untouched: still the half floats
    half.dispose();
    expect(compareValues(await take(on(backends.cpu, ops.tensor(widened, [n, k], 'float32', backends.cpu))), got)).toBeNull();
    expect(bits(got).equals(bits(await take(on(backends.wasm, ops.tensor(widened, [n, k], 'float32', backends.wasm)))))).toBe(true);
  });
}

describe('wasm linear with a float16 weight', () => {
  for (const [m, n, k] of [[1, 1, 1], [3, 8, 4], [5, 17, 33], [17, 24, 65], [33, 13, 7], [130, 64, 768]]) linearCase(m, n, k, true);
  linearCase(9, 16, 40, false, 'gelu');
  linearCase(7, 11, 20, true, 'tanh');
  // Every kind of half: ±0, subnormals, normals across the range, ±∞.
  const specials = [0x0000, 0x8000, 0x0001, 0x03ff, 0x8200, 0x0400, 0x3c00, 0xbc00, 0x7bff, 0xfbff, 0x7c00, 0xfc00];
  linearCase(1, 8, 12, false, null, () => Uint16Array.from({ length: 96 }, (_, i) => specials[(i * 5) % specials.length]));
  it('stores the weight in 2 bytes per element', () => {
    const before = backends.wasm.memory().bytes;
    const t = ops.tensor(new Uint16Array(40), [8, 5], 'float16', backends.wasm);
    expect(backends.wasm.memory().bytes - before).toBe(80);
    t.dispose();
  });
});
