// Linear weights packed in place (kernels/wasm/backend.ts): a weight whose panels fit its own
// storage holds them there, yet every reader other than linear sees the row-major values, and a
// weight that another op reads too settles on a separate packed copy. The panel layout is
// written out here from its definition in simd/gemm.ts, so the raw storage can be checked.

import '../../../index.js';
import '../../../kernels/wasm/register.js';
import { ops, tidy, type Tensor } from '../../../index.js';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { WasmBackend } from '../../../kernels/wasm/backend.js';
import { fixtureDir, fixtureExpected, fixtureInputs, maxAbsDiff } from '../../model/fixtureModels.js';
import { PARITY_TOLERANCE } from '../../model/modelParity.js';
import { compareValues } from '../compare.js';
import { fileBackends } from '../fileBackends.js';
import { Random, seedFrom } from '../random.js';

const NR = 8;

/** Panel p holds, for each k, columns p·NR … p·NR+NR−1 of Wᵀ, i.e. rows of the weight [n, k]. */
function panelsOf(w: Float32Array, n: number, k: number): Float32Array {
  const out = new Float32Array(Math.ceil(n / NR) * NR * k);
  for (let row = 0; row < n; row++) {
    for (let i = 0; i < k; i++) out[(Math.floor(row / NR) * k + i) * NR + (row % NR)] = w[row * k + i];
  }
  return out;
}

/** What the storage holds right now, bypassing `read`. */
const raw = (t: Tensor) => Float32Array.from(t.info().storage as Float32Array);
const bits = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The values of a result, which is then disposed (so memory() counts only what the test keeps). */
async function take(t: Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}

const backends = fileBackends({ wasm: () => WasmBackend.create({ threads: 2 }) });

describe('linear weights packed in place', () => {
  const shapes: [number, number, number][] = [
    [5, 16, 33],
    [17, 24, 7],
    [3, 40, 1],
    [9, 13, 33],
    [4, 30, 65],
  ];
  for (const [m, n, k] of shapes) {
    it(`x[${m},${k}]·W[${n},${k}]ᵀ gives the bits of a separate packed copy, call after call`, async () => {
      const random = new Random(seedFrom(`packed ${m} ${n} ${k}`));
      const wData = random.floats(n * k);
      const before = backends.wasm.memory().bytes;
      const x = ops.tensor(random.floats(m * k), [m, k], 'float32', backends.wasm);
      const b = ops.tensor(random.floats(n), [n], 'float32', backends.wasm);
      const w = ops.tensor(wData.slice(), [n, k], 'float32', backends.wasm);
      const bytes = backends.wasm.memory().bytes;
      const inPlace = [await take(ops.linear(x, w, b, 'gelu')), await take(ops.linear(x, w, b, 'gelu'))];
      const copyBytes = Math.ceil(n / NR) * NR * k * 4;
      const fits = n % NR === 0;
      // In place: the storage holds the panels and nothing was added; else a separate copy.
      expect(bits(raw(w)).equals(bits(fits ? panelsOf(wData, n, k) : wData))).toBe(true);
      expect(backends.wasm.memory().bytes).toBe(bytes + (fits ? 0 : copyBytes));
      // Another op's read unpacks it for good; linear then packs a separate copy.
      ops.scale(w, 1).dispose();
      expect(bits(raw(w)).equals(bits(wData))).toBe(true);
      const separate = await take(ops.linear(x, w, b, 'gelu'));
      expect(backends.wasm.memory().bytes).toBe(bytes + copyBytes);
      for (const y of inPlace) expect(bits(y).equals(bits(separate))).toBe(true);
      const reference = await ops
        .linear(ops.tensor(await x.data(), [m, k], 'float32', backends.cpu), ops.tensor(wData, [n, k], 'float32', backends.cpu), ops.tensor(await b.data(), [n], 'float32', backends.cpu), 'gelu')
        .data();
      expect(compareValues(reference, separate)).toBeNull();
      for (const t of [x, b, w]) t.dispose();
      expect(backends.wasm.memory().bytes).toBe(before); // the copy went with the weight
    });
  }

  it('reads back the original values while the storage stays packed', async () => {
    const random = new Random(21);
    const wData = random.floats(16 * 9);
    const w = ops.tensor(wData.slice(), [16, 9], 'float32', backends.wasm);
    const x = ops.tensor(random.floats(2 * 9), [2, 9], 'float32', backends.wasm);
    const first = await take(ops.linear(x, w));
    const packed = panelsOf(wData, 16, 9);
    expect(bits(raw(w)).equals(bits(packed))).toBe(true);
    expect(bits(await w.data()).equals(bits(wData))).toBe(true);
    expect(bits(backends.wasm.readSync(w.info().storage as Float32Array, 'float32', w.size)).equals(bits(wData))).toBe(true);
    expect(bits(raw(w)).equals(bits(packed))).toBe(true);
    // A second linear reuses the panels: not packed again (that would scramble them) or copied.
    const bytes = backends.wasm.memory().bytes;
    expect(bits(await take(ops.linear(x, w))).equals(bits(first))).toBe(true);
    expect(backends.wasm.memory().bytes).toBe(bytes);
    expect(bits(raw(w)).equals(bits(packed))).toBe(true);
    for (const t of [x, w]) t.dispose();
  });

  const otherOps: [string, (w: Tensor) => Tensor][] = [
    ['binary', (w) => ops.add(w, ops.scalar(0.5, 'float32', w.backend))],
    ['scale', (w) => ops.scale(w, 2, 1)],
    ['unary', (w) => ops.unary(w, 'tanh')],
    ['permute', (w) => ops.transpose(w)],
    ['slice', (w) => ops.slice(w, [3, 2], [9, 5])],
    ['concat', (w) => ops.concat([w, w], 0)],
    ['gather', (w) => ops.gather(w, ops.tensor([15, 0, 7], [3], 'int32', w.backend))],
    ['softmax', (w) => ops.softmax(w)],
    ['matmul', (w) => ops.matmul(w, w, { transposeB: true })],
    ['linear x', (w) => ops.linear(w, ops.tensor(new Float32Array(8 * 7).fill(0.25), [8, 7], 'float32', w.backend))],
    ['linear bias', (w) => ops.linear(ops.reshape(w, [1, 16 * 7]), ops.tensor(new Float32Array(16 * 7 * 16 * 7).fill(0.5), [16 * 7, 16 * 7], 'float32', w.backend), ops.reshape(w, [16 * 7]))],
  ];
  for (const [name, op] of otherOps) {
    it(`${name} on a weight packed in place sees its original values`, async () => {
      const random = new Random(seedFrom(name));
      const wData = random.floats(16 * 7);
      const w = ops.tensor(wData.slice(), [16, 7], 'float32', backends.wasm);
      const x = ops.tensor(random.floats(3 * 7), [3, 7], 'float32', backends.wasm);
      const y = await take(ops.linear(x, w));
      expect(bits(raw(w)).equals(bits(panelsOf(wData, 16, 7)))).toBe(true);
      const ours = await take(tidy(() => op(w)));
      const reference = await take(tidy(() => op(ops.tensor(wData, [16, 7], 'float32', backends.cpu))));
      expect(compareValues(reference, ours)).toBeNull();
      // Unpacked for good; linear still right, now from a separate copy.
      expect(bits(raw(w)).equals(bits(wData))).toBe(true);
      expect(bits(await take(ops.linear(x, w))).equals(bits(y))).toBe(true);
      for (const t of [x, w]) t.dispose();
    });
  }

  it('a weight packed for one shape and used with another gets a copy per shape, and reads stay row-major', async () => {
    const random = new Random(5);
    const wData = random.floats(16 * 12);
    const w = ops.tensor(wData.slice(), [16, 12], 'float32', backends.wasm);
    const w2 = ops.reshape(w, [24, 8]);
    const x = ops.tensor(random.floats(12), [1, 12], 'float32', backends.wasm);
    const x2 = ops.tensor(random.floats(8), [1, 8], 'float32', backends.wasm);
    const bytes = backends.wasm.memory().bytes;
    const y = await take(ops.linear(x, w));
    expect(bits(raw(w)).equals(bits(panelsOf(wData, 16, 12)))).toBe(true);
    // The second shape unpacks the storage for good and takes a copy; the first shape then another.
    const y2 = await take(ops.linear(x2, w2));
    expect(bits(raw(w)).equals(bits(wData))).toBe(true);
    expect(backends.wasm.memory().bytes).toBe(bytes + 24 * 8 * 4);
    expect(bits(await take(ops.linear(x, w))).equals(bits(y))).toBe(true);
    expect(backends.wasm.memory().bytes).toBe(bytes + (16 * 12 + 24 * 8) * 4);
    expect(bits(await take(ops.linear(x2, w2))).equals(bits(y2))).toBe(true);
    expect(backends.wasm.memory().bytes).toBe(bytes + (16 * 12 + 24 * 8) * 4);
    const reference = await take(ops.linear(ops.tensor(await x2.data(), [1, 8], 'float32', backends.cpu), ops.tensor(wData, [24, 8], 'float32', backends.cpu)));
    expect(compareValues(reference, y2)).toBeNull();
    for (const t of [x, x2, w2, w]) t.dispose();
  });

  it('a table read by gather and by linear every forward settles on one separate copy', async () => {
    const random = new Random(8);
    const [vocab, hidden] = [24, 5];
    const tableData = random.floats(vocab * hidden);
    const table = ops.tensor(tableData.slice(), [vocab, hidden], 'float32', backends.wasm);
    const idList = [3, 23, 0, 11];
    const ids = ops.tensor(Int32Array.from(idList), [4], 'int32', backends.wasm);
    const expectedRows = Float32Array.from(idList.flatMap((id) => [...tableData.subarray(id * hidden, (id + 1) * hidden)]));
    const tableCpu = ops.tensor(tableData, [vocab, hidden], 'float32', backends.cpu);
    const bytes = backends.wasm.memory().bytes;
    const seen: { bytes: number; rowMajor: boolean }[] = [];
    let first: Float32Array | undefined;
    for (let forward = 0; forward < 4; forward++) {
      const rows = ops.gather(table, ids);
      expect(bits(await rows.data()).equals(bits(expectedRows))).toBe(true);
      const values = await take(ops.linear(rows, table));
      rows.dispose();
      first ??= values;
      expect(bits(values).equals(bits(first))).toBe(true);
      const reference = await take(ops.linear(ops.tensor(expectedRows, [4, hidden], 'float32', backends.cpu), tableCpu));
      expect(compareValues(reference, values)).toBeNull();
      seen.push({ bytes: backends.wasm.memory().bytes - bytes, rowMajor: bits(raw(table)).equals(bits(tableData)) });
    }
    // First forward: packed in place. The second gather unpacks it for good; from then on one copy.
    const copy = { bytes: vocab * hidden * 4, rowMajor: true };
    expect(seen).toEqual([{ bytes: 0, rowMajor: false }, copy, copy, copy]);
    for (const t of [ids, table]) t.dispose();
  });
});

describe('a fixture model on wasm', () => {
  it('tiny-mlm: keeps only its tied decoder weight twice, and gives the same logits every forward', async () => {
    const backend = await WasmBackend.create({ threads: 2 });
    try {
      const model = await fromPretrained(fixtureDir('tiny-mlm'), { backend });
      const { vocabSize, hiddenSize: h, intermediateSize: i, numHiddenLayers: layers } = model.config;
      const weights = backend.memory().bytes;
      // Every linear weight [n, k] of the model, as separate packed copies would take them.
      const copies = [...Array<[number, number]>(4 * layers).fill([h, h]), ...Array<[number, number]>(layers).fill([i, h]), ...Array<[number, number]>(layers).fill([h, i]), [h, h], [vocabSize, h]]
        .reduce((sum, [n, k]) => sum + Math.ceil(n / NR) * NR * k * 4, 0);
      const inputs = fixtureInputs('tiny-mlm');
      const expected = fixtureExpected('tiny-mlm').get('logits')!;
      const after: number[] = [];
      let first: Float32Array | undefined;
      for (let forward = 0; forward < 3; forward++) {
        const out = model.forward({ inputIds: inputs.input_ids, attentionMask: inputs.attention_mask });
        const values = (await out.logits!.data()) as Float32Array;
        expect(maxAbsDiff(values, expected.data)).toBeLessThanOrEqual(PARITY_TOLERANCE);
        first ??= values;
        expect(bits(values).equals(bits(first))).toBe(true);
        for (const t of [out.lastHiddenState, out.logits!]) t.dispose();
        after.push(backend.memory().bytes - weights);
      }
      // All of its widths are multiples of 8: packed in place, until the second forward's
      // embedding lookup reads the tied decoder weight and linear takes a copy of it.
      expect(after).toEqual([0, vocabSize * h * 4, vocabSize * h * 4]);
      expect(weights + after[2]).toBeLessThan(weights + copies);
      model.dispose();
      expect(backend.memory().bytes).toBe(0);
    } finally {
      await backend.dispose();
    }
  });
});
