import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../model/weights/errors.js';
import {
  MAX_HEADER_BYTES,
  parseSafetensors,
  safetensorsTensor,
  safetensorsTensors,
} from '../../../model/weights/safetensors.js';
import { encodeSafetensors, type SafetensorsWriteDType } from '../../../model/weights/safetensorsWriter.js';
import { referenceBfloat16, referenceHalf } from './halfReference.js';
import { MODELS_DIR, MODEL_NAMES, manifestModel, rawFloats, rawHeader, rawSafetensors, readFixture, sameBits } from './fixtures.js';

/** The shape HF gives each parameter, from the fixture README's naming and its config.json. */
function expectedShape(key: string, config: Record<string, number>): number[] {
  const hidden = config['hidden_size']!;
  const ffn = config['intermediate_size']!;
  const name = key.replace(/^roberta\./, '').replace(/^encoder\.layer\.\d+\./, 'layer.');
  const table: Record<string, number[]> = {
    'embeddings.word_embeddings.weight': [config['vocab_size']!, hidden],
    'embeddings.position_embeddings.weight': [config['max_position_embeddings']!, hidden],
    'embeddings.token_type_embeddings.weight': [config['type_vocab_size']!, hidden],
    'layer.intermediate.dense.weight': [ffn, hidden],
    'layer.intermediate.dense.bias': [ffn],
    'layer.output.dense.weight': [hidden, ffn],
    'classifier.out_proj.weight': [4, hidden],
    'classifier.out_proj.bias': [4],
    'lm_head.bias': [config['vocab_size']!],
  };
  if (table[name] !== undefined) return table[name]!;
  return name.endsWith('.weight') && !/LayerNorm|layer_norm/.test(name) ? [hidden, hidden] : [hidden];
}

function parseError(bytes: Uint8Array): string {
  try {
    safetensorsTensors(parseSafetensors(bytes, 'bad.safetensors'));
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected the file to be rejected');
}

describe('reading the fixture safetensors files', () => {
  it.each(MODEL_NAMES)('%s: keys, shapes and values', (model) => {
    const bytes = readFixture(model, 'model.safetensors');
    const config = JSON.parse(readFileSync(join(MODELS_DIR, model, 'config.json'), 'utf8')) as Record<string, number>;
    const file = parseSafetensors(bytes, model);
    const tensors = safetensorsTensors(file);

    expect([...tensors.keys()].sort()).toEqual([...manifestModel(model).weight_keys].sort());
    expect(file.metadata.get('format')).toBe('pt');
    for (const [key, tensor] of tensors) {
      expect([key, tensor.dtype, tensor.shape]).toEqual([key, 'float32', expectedShape(key, config)]);
    }

    const raw = rawHeader(bytes);
    for (const key of [...tensors.keys()].filter((_, i) => i % 5 === 0)) {
      const tensor = tensors.get(key)!;
      expect(Array.from(tensor.data)).toEqual(rawFloats(bytes, raw.entries.get(key)!));
      // Aligned F32 data is a view over the file's bytes, not a copy.
      expect(tensor.data.buffer).toBe(bytes.buffer);
    }
  });

  it('copies (correctly) when the data is not 4-byte aligned in memory', () => {
    const bytes = readFixture('tiny', 'model.safetensors');
    const shifted = Buffer.alloc(bytes.length + 1).subarray(1);
    bytes.copy(shifted);
    const aligned = safetensorsTensor(parseSafetensors(bytes, 'tiny'), 'embeddings.word_embeddings.weight');
    const misaligned = safetensorsTensor(parseSafetensors(shifted, 'shifted'), 'embeddings.word_embeddings.weight');
    expect(misaligned.data.buffer).not.toBe(shifted.buffer);
    expect(sameBits(misaligned.data, aligned.data)).toBe(true);
  });

  it('reads the I64 ids of expected.safetensors as int32, equal to inputs.json', () => {
    const file = parseSafetensors(readFixture('tiny-cls', 'expected.safetensors'), 'expected');
    expect([...file.entries.keys()].sort()).toEqual([...manifestModel('tiny-cls').expected_keys].sort());
    const inputs = JSON.parse(readFixture('tiny-cls', 'inputs.json').toString('utf8')) as Record<string, number[][]>;
    for (const name of ['input_ids', 'attention_mask']) {
      expect(file.entries.get(name)!.dtype).toBe('I64');
      const tensor = safetensorsTensor(file, name);
      expect(tensor.dtype).toBe('int32');
      expect(tensor.shape).toEqual([3, 12]);
      expect(Array.from(tensor.data)).toEqual(inputs[name]!.flat());
    }
  });
});

describe('encodeSafetensors', () => {
  const source = safetensorsTensors(parseSafetensors(readFixture('tiny', 'model.safetensors'), 'tiny'));
  const asWritable = (dtype: SafetensorsWriteDType) =>
    Object.fromEntries([...source].map(([name, tensor]) => [name, { dtype, shape: tensor.shape, data: tensor.data }]));

  it('round-trips F32 bit for bit, with every tensor aligned to its element size', () => {
    const bytes = encodeSafetensors(
      { ...asWritable('F32'), ids: { dtype: 'I64', shape: [2, 2], data: [0, -1, 2 ** 31 - 1, -(2 ** 31)] }, small: { dtype: 'F16', shape: [1], data: [1] } },
      { format: 'pt', note: 'written by the test' },
    );
    const file = parseSafetensors(bytes, 'written');
    expect(Object.fromEntries(file.metadata)).toEqual({ format: 'pt', note: 'written by the test' });
    for (const [name, tensor] of source) {
      const back = safetensorsTensor(file, name);
      expect(back.shape).toEqual(tensor.shape);
      expect(sameBits(back.data, tensor.data)).toBe(true);
    }
    expect(Array.from(safetensorsTensor(file, 'ids').data)).toEqual([0, -1, 2 ** 31 - 1, -(2 ** 31)]);
    const raw = rawHeader(bytes);
    expect(raw.dataStart % 8).toBe(0);
    const elementBytes: Record<string, number> = { F32: 4, I64: 8, F16: 2 };
    for (const entry of raw.entries.values()) expect(entry.begin % elementBytes[entry.dtype]!).toBe(0);
  });

  it.each([
    ['F16', 2 ** -11, 2 ** -25],
    ['BF16', 2 ** -8, 2 ** -134],
  ] as const)('writes %s that reads back as the exact half-precision values, within rounding of the F32 weights', (dtype, relative, absolute) => {
    const bytes = encodeSafetensors(asWritable(dtype));
    const file = parseSafetensors(bytes, dtype);
    const raw = rawHeader(bytes);
    let maxError = 0;
    for (const [name, tensor] of source) {
      const back = safetensorsTensor(file, name);
      expect([back.dtype, back.shape]).toEqual(['float32', tensor.shape]);
      const entry = raw.entries.get(name)!;
      expect(entry.dtype).toBe(dtype);
      const wrong: string[] = [];
      for (let i = 0; i < tensor.data.length; i++) {
        const bits = bytes.readUInt16LE(entry.begin + 2 * i);
        // Independent decoding of the stored bits: IEEE binary16, or the top half of a float32.
        const stored = dtype === 'F16' ? referenceHalf(bits) : referenceBfloat16(bits);
        const error = Math.abs(stored - tensor.data[i]!);
        maxError = Math.max(maxError, error);
        if (back.data[i] !== stored || error > Math.max(Math.abs(tensor.data[i]!) * relative, absolute)) {
          wrong.push(`${name}[${i}]: ${tensor.data[i]} → bits 0x${bits.toString(16)} → read ${back.data[i]}`);
        }
      }
      expect(wrong).toEqual([]);
    }
    // Rounding happened (the values are not all representable), and stayed within half a unit.
    expect(maxError).toBeGreaterThan(0);
  });

  it('rejects data that does not match the shape or the dtype', () => {
    expect(() => encodeSafetensors({ x: { dtype: 'F32', shape: [2, 2], data: [1, 2, 3] } })).toThrow(
      'tensor "x": shape [2, 2] has 4 elements but data has 3',
    );
    expect(() => encodeSafetensors({ x: { dtype: 'I32', shape: [1], data: [0.5] } })).toThrow('element 0 (0.5) is not an int32');
    expect(() => encodeSafetensors({ x: { dtype: 'I32', shape: [1], data: [2 ** 31] } })).toThrow('is not an int32');
  });
});

describe('rejecting malformed safetensors files', () => {
  const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

  it('rejects files too short to hold the header length', () => {
    expect(parseError(new Uint8Array(0))).toBe(
      'bad.safetensors: 0 bytes is too short for a safetensors file (it starts with an 8-byte header length)',
    );
    expect(parseError(new Uint8Array(7))).toMatch(/^bad\.safetensors: 7 bytes is too short/);
  });

  it('rejects a header length past the end of the file or above the limit', () => {
    const bytes = rawSafetensors('{}');
    bytes.writeBigUInt64LE(1000n);
    expect(parseError(bytes)).toBe(
      'bad.safetensors: header length 1000 runs past the end of the file (10 bytes): the file is truncated or not a safetensors file',
    );
    bytes.writeBigUInt64LE(BigInt(MAX_HEADER_BYTES + 1));
    expect(parseError(bytes)).toMatch(/header length 100000001 exceeds the 100000000-byte limit/);
    bytes.writeBigUInt64LE(2n ** 63n);
    expect(parseError(bytes)).toMatch(/exceeds the 100000000-byte limit/);
  });

  it('rejects a header that is not a UTF-8 JSON object', () => {
    expect(parseError(rawSafetensors('{"a": '))).toMatch(/^bad\.safetensors: header is not valid JSON \(/);
    expect(parseError(rawSafetensors('[1, 2]'))).toBe('bad.safetensors: header must be a JSON object, got [1,2]');
    const invalidUtf8 = rawSafetensors('{"x"}');
    invalidUtf8[10] = 0xff;
    expect(parseError(invalidUtf8)).toBe('bad.safetensors: header is not valid UTF-8');
  });

  it('rejects data_offsets outside the data area', () => {
    const header = { w: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
    expect(parseError(rawSafetensors(header, f32([1, 2])))).toBe(
      'bad.safetensors: tensor "w": data_offsets [4, 12] reach past the end of the data area (8 bytes)',
    );
    const reversed = { w: { dtype: 'F32', shape: [0], data_offsets: [8, 4] } };
    expect(parseError(rawSafetensors(reversed, f32([1, 2, 3])))).toMatch(/tensor "w": data_offsets must be \[begin, end\] with 0 <= begin <= end, got \[8,4\]/);
    const negative = { w: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } };
    expect(parseError(rawSafetensors(negative, f32([1])))).toMatch(/tensor "w": data_offsets must be/);
  });

  it('rejects overlapping tensors', () => {
    const header = {
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
    };
    expect(parseError(rawSafetensors(header, f32([1, 2, 3])))).toBe(
      'bad.safetensors: tensors "a" [0, 8] and "b" [4, 12] overlap in the data area',
    );
  });

  it('rejects a shape whose size does not match the byte length', () => {
    const header = { w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } };
    expect(parseError(rawSafetensors(header, f32([1, 2])))).toBe(
      'bad.safetensors: tensor "w": shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8',
    );
    const badShape = { w: { dtype: 'F32', shape: [1.5], data_offsets: [0, 4] } };
    expect(parseError(rawSafetensors(badShape, f32([1])))).toMatch(/tensor "w": shape must be an array of non-negative integers, got \[1\.5\]/);
  });

  it('rejects an unknown dtype', () => {
    const header = { w: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } };
    expect(parseError(rawSafetensors(header, f32([1])))).toBe(
      'bad.safetensors: tensor "w": unknown dtype "F8_E4M3" (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)',
    );
  });

  it('rejects metadata that is not string → string', () => {
    expect(parseError(rawSafetensors({ __metadata__: { format: 1 } }))).toBe(
      'bad.safetensors: __metadata__ "format" must be a string, got 1',
    );
  });

  it('rejects integers that do not fit int32 and bools that are not 0 or 1', () => {
    const big = Buffer.alloc(16);
    big.writeBigInt64LE(7n, 0);
    big.writeBigInt64LE(2n ** 40n, 8);
    expect(parseError(rawSafetensors({ ids: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, big))).toBe(
      'bad.safetensors: tensor "ids": element 1 is 1099511627776 (int64), which does not fit in int32',
    );
    const flags = Uint8Array.from([1, 0, 2]);
    expect(parseError(rawSafetensors({ mask: { dtype: 'BOOL', shape: [3], data_offsets: [0, 3] } }, flags))).toBe(
      'bad.safetensors: tensor "mask": element 2 is byte 2, not a bool (0 or 1)',
    );
  });

  it('decodes every supported integer and float type', () => {
    const data = Buffer.alloc(8 + 2 + 1 + 1 + 8 + 2 + 2);
    data.writeDoubleLE(-1.25, 0);
    data.writeInt16LE(-300, 8);
    data.writeInt8(-5, 10);
    data.writeUInt8(200, 11);
    data.writeBigInt64LE(-(2n ** 31n), 12);
    data.writeUInt16LE(0x3c00, 20);
    data.writeUInt16LE(0xc000, 22);
    const file = parseSafetensors(
      rawSafetensors(
        {
          d: { dtype: 'F64', shape: [], data_offsets: [0, 8] },
          s: { dtype: 'I16', shape: [1], data_offsets: [8, 10] },
          c: { dtype: 'I8', shape: [1], data_offsets: [10, 11] },
          u: { dtype: 'U8', shape: [1], data_offsets: [11, 12] },
          l: { dtype: 'I64', shape: [1, 1], data_offsets: [12, 20] },
          h: { dtype: 'F16', shape: [1], data_offsets: [20, 22] },
          b: { dtype: 'BF16', shape: [1], data_offsets: [22, 24] },
          empty: { dtype: 'F32', shape: [0, 3], data_offsets: [24, 24] },
        },
        data,
      ),
      'types',
    );
    const values = Object.fromEntries([...safetensorsTensors(file)].map(([name, t]) => [name, [t.dtype, t.shape, Array.from(t.data)]]));
    expect(values).toEqual({
      d: ['float32', [], [-1.25]],
      s: ['int32', [1], [-300]],
      c: ['int32', [1], [-5]],
      u: ['int32', [1], [200]],
      l: ['int32', [1, 1], [-(2 ** 31)]],
      h: ['float32', [1], [1]],
      b: ['float32', [1], [-2]],
      empty: ['float32', [0, 3], []],
    });
  });
});
