// Fuzzing the safetensors readers (model/weights/safetensors.ts, shardedSafetensors.ts, load.ts):
// headers that lie (bad JSON, wrong or overlapping offsets, ranges outside the file, huge shapes,
// unknown dtypes), truncated and damaged files, and index files pointing at missing or foreign
// files. Every case must load, or fail with a CheckpointError; see fuzz.ts.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { ELEMENT_BYTES } from '../../model/weights/elementType.js';
import { CheckpointError } from '../../model/weights/errors.js';
import { loadCheckpoint, SAFETENSORS_FILE, SAFETENSORS_INDEX_FILE } from '../../model/weights/load.js';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { encodeSafetensors } from '../../model/weights/safetensorsWriter.js';
import { rawHeader, rawSafetensors, readFixture } from '../model/weights/fixtures.js';
import { FUZZ_TEST_TIMEOUT_MS, caseDirs, fuzz } from './fuzz.js';
import { damagedBytes, damagedText, oddJsonValue } from './mutations.js';

const caseDir = caseDirs('safetensors');

/** Reads every tensor a loaded checkpoint has, as a model would. */
async function loadEverything(dir: string): Promise<void> {
  const { tensors } = await loadCheckpoint(dir);
  for (const tensor of tensors.values()) {
    tensor.read();
    tensor.readInto?.(() => {});
  }
}

const DTYPES = Object.keys(ELEMENT_BYTES);

/** One tensor of a generated header: a valid entry, then perhaps one of its fields replaced by a lie. */
const headerEntry = fc.record({
  name: fc.oneof(fc.constantFrom('a', 'b', '__metadata__', '', 'encoder.layer.0.weight', 'two\nlines'), fc.string({ unit: 'binary', maxLength: 6 })),
  dtype: fc.constantFrom(...DTYPES),
  shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
  lie: fc.oneof(
    { weight: 3, arbitrary: fc.constant(undefined) },
    fc.oneof(
      fc.record({ field: fc.constantFrom('dtype', 'shape', 'data_offsets'), value: oddJsonValue }),
      fc.record({ field: fc.constant('dtype'), value: fc.constantFrom('F8_E4M3', 'f32', 'U64', 'Q4_0', 'C64') }),
      fc.record({ field: fc.constant('shape'), value: fc.constantFrom([2 ** 31, 2 ** 31], [2 ** 53], [1e308], [-1], [1.5], [65536, 65536, 65536, 65536]) }),
      fc.record({ field: fc.constant('shift'), value: fc.integer({ min: -64, max: 64 }) }),
      fc.record({ field: fc.constant('grow'), value: fc.integer({ min: -16, max: 2 ** 40 }) }),
    ),
  ),
});

type HeaderEntry = typeof headerEntry extends fc.Arbitrary<infer T> ? T : never;

interface GeneratedFile {
  readonly entries: ReadonlyArray<HeaderEntry>;
  readonly metadata: unknown;
  readonly headerLengthLie?: number;
  readonly dataSlack: number;
}

/** Lays the entries out back to back and applies their lies; returns the header and the data area's size. */
function buildHeader({ entries, metadata }: GeneratedFile): { header: Record<string, unknown>; dataLength: number } {
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header.__metadata__ = metadata;
  let offset = 0;
  for (const entry of entries) {
    const bytes = entry.shape.reduce((product, dim) => product * dim, 1) * ELEMENT_BYTES[entry.dtype as keyof typeof ELEMENT_BYTES];
    const value: Record<string, unknown> = { dtype: entry.dtype, shape: entry.shape, data_offsets: [offset, offset + bytes] };
    const lie = entry.lie;
    if (lie?.field === 'shift') value.data_offsets = [Math.max(0, offset + lie.value), Math.max(0, offset + lie.value) + bytes];
    else if (lie?.field === 'grow') value.data_offsets = [offset, offset + bytes + lie.value];
    else if (lie !== undefined) value[lie.field] = lie.value;
    header[entry.name] = value;
    offset += bytes;
  }
  return { header, dataLength: offset };
}

/** The file's bytes, with `headerText` in place of the generated header when given. */
function buildFile(file: GeneratedFile, headerText?: string): Uint8Array {
  const { header, dataLength } = buildHeader(file);
  const data = new Uint8Array(Math.max(0, dataLength + file.dataSlack)).map((_, i) => (i * 37) & 0xff);
  const bytes = rawSafetensors(headerText ?? header, data);
  if (file.headerLengthLie !== undefined) bytes.writeBigUInt64LE(BigInt(file.headerLengthLie), 0);
  return bytes;
}

const generatedFile: fc.Arbitrary<GeneratedFile> = fc.record({
  entries: fc.array(headerEntry, { maxLength: 5 }),
  metadata: fc.option(fc.oneof(fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })), oddJsonValue), { freq: 2, nil: undefined }),
  headerLengthLie: fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    fc.oneof(fc.constantFrom(0, 1, 7, 100_000_001, 2 ** 32, 2 ** 53 + 1), fc.nat({ max: 4096 })),
  ),
  dataSlack: fc.integer({ min: -8, max: 8 }),
});

/** A generated file, perhaps with its header text damaged into bad JSON, or cut short. */
const generatedBytes = fc.oneof(
  { weight: 3, arbitrary: generatedFile.map(buildFile) },
  {
    weight: 1,
    arbitrary: generatedFile.chain((file) =>
      damagedText(JSON.stringify(buildHeader(file).header)).map((text) => buildFile({ ...file, headerLengthLie: undefined }, text)),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(generatedFile, fc.nat()).map(([file, cut]) => {
      const bytes = buildFile(file);
      return bytes.subarray(0, cut % (bytes.length + 1));
    }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);

const fixture = readFixture('tiny', 'model.safetensors');
const { dataStart } = rawHeader(fixture);

describe('fuzz: safetensors', () => {
  it(
    'generated headers: every file parses and decodes, or fails with a CheckpointError',
    async () => {
      const summary = await fuzz({
        name: 'safetensors headers',
        runs: 400,
        arbitrary: generatedBytes,
        expected: [CheckpointError],
        limitMs: 1000,
        run: (bytes) => safetensorsTensors(parseSafetensors(bytes, 'fuzz.safetensors')),
      });
      expect(summary.crashes).toBe(0);
      expect(summary.typedErrors).toBeGreaterThan(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'the real tiny model file, damaged: loads from disk, or fails with a CheckpointError',
    async () => {
      const summary = await fuzz({
        name: 'safetensors damaged file',
        runs: 100,
        // Most edits land in the header and its length, where a damaged byte changes the meaning.
        arbitrary: damagedBytes(fixture, [[0, 8], [8, dataStart]]),
        expected: [CheckpointError],
        limitMs: 2000,
        run: async (bytes) => {
          await loadEverything(caseDir({ [SAFETENSORS_FILE]: bytes }));
        },
      });
      expect(summary.crashes).toBe(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  const shard = (names: readonly string[]) =>
    encodeSafetensors(Object.fromEntries(names.map((name) => [name, { dtype: 'F32' as const, shape: [2], data: [1, 2] }])));
  /** What a weight_map entry may point at: real shards, missing files, foreign files, paths out of the directory. */
  const shardName = fc.oneof(
    fc.constantFrom('model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'),
    fc.constantFrom('missing.safetensors', 'config.json', SAFETENSORS_INDEX_FILE, 'subdir', '../model-00001-of-00002.safetensors', '/etc/passwd', '', '.', '..', 'a\\b', 'nul\u0000.safetensors'),
    oddJsonValue,
    fc.string({ unit: 'binary', maxLength: 12 }),
  );
  const index = fc.oneof(
    fc.record({
      metadata: fc.option(oddJsonValue, { nil: undefined }),
      weight_map: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'x', '__proto__', 'two\nlines'), shardName, { maxKeys: 5 }),
    }),
    oddJsonValue,
  );
  const indexText = fc.oneof({ weight: 4, arbitrary: index.map((value) => JSON.stringify(value) ?? '') }, { weight: 1, arbitrary: index.chain((value) => damagedText(JSON.stringify(value) ?? '')) });

  it(
    'sharded index files: every index loads, or fails with a CheckpointError',
    async () => {
      const summary = await fuzz({
        name: 'safetensors sharded index',
        runs: 150,
        arbitrary: indexText,
        expected: [CheckpointError],
        limitMs: 1000,
        run: async (text) => {
          const dir = caseDir({
            'model-00001-of-00002.safetensors': shard(['a', 'b']),
            'model-00002-of-00002.safetensors': shard(['c', 'd']),
            'config.json': '{"model_type": "roberta"}',
            [SAFETENSORS_INDEX_FILE]: text,
          });
          mkdirSync(join(dir, 'subdir'));
          await loadEverything(dir);
        },
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
