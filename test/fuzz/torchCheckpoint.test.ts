// Fuzzing the PyTorch checkpoint reader (model/weights/torchCheckpoint.ts, zip.ts and the restricted
// unpickler, unpickle.ts): random pickle opcode streams, state dicts naming globals outside the
// allowlist, nested and self-referencing structures, storages whose sizes lie, strided views
// reaching outside their storage, and damaged zip archives. Every case must decode, or fail with a
// CheckpointError; see fuzz.ts. Nothing a pickle says is ever run: globals outside the allowlist
// are refused by name.

import fc from 'fast-check';
import { CheckpointError } from '../../model/weights/errors.js';
import { decodeTorchCheckpoint } from '../../model/weights/torchCheckpoint.js';
import { orderedDict, pickle, rebuildTensor, torchSave, zip, type Py, type Storage, type StorageType } from '../model/weights/torchWriter.js';
import { FUZZ_TEST_TIMEOUT_MS, fuzz } from './fuzz.js';
import { damagedBytes } from './mutations.js';

/** A checkpoint archive around `dataPkl`, with one 16-byte storage "0" beside it. */
const archiveWith = (dataPkl: Uint8Array): Uint8Array =>
  zip([
    { name: 'archive/data.pkl', data: dataPkl },
    { name: 'archive/data/0', data: new Uint8Array(16).fill(0x3f) },
  ]);

const decode = (bytes: Uint8Array, verifyCrc = false) => decodeTorchCheckpoint(bytes, 'pytorch_model.bin', { verifyCrc });

/** Names a pickle may spell: the allowlisted globals' parts, storage ids, and what an attacker would call. */
const PICKLE_WORDS = [
  'collections', 'OrderedDict', 'torch._utils', '_rebuild_tensor_v2', '_rebuild_parameter', 'torch', 'FloatStorage',
  'storage', '0', 'cpu', 'os', 'system', 'builtins', 'eval', 'exec', 'subprocess', 'Popen', 'posix', '__reduce__',
];

const word = fc.oneof(fc.constantFrom(...PICKLE_WORDS), fc.string({ unit: 'binary', maxLength: 6 }));
const utf8 = (text: string) => [...Buffer.from(text, 'utf8')];
const u32 = (value: number) => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];

/** One pickle instruction: an opcode with well-formed, lying or missing arguments, or a random byte. */
const instruction: fc.Arbitrary<number[]> = fc.oneof(
  // Opcodes without arguments: MARK ( ) . N Q R ] a b e s t u } 0x85-0x89 0x93 0x94.
  { weight: 6, arbitrary: fc.constantFrom(0x28, 0x29, 0x2e, 0x4e, 0x51, 0x52, 0x5d, 0x61, 0x62, 0x65, 0x73, 0x74, 0x75, 0x7d, 0x85, 0x86, 0x87, 0x88, 0x89, 0x93, 0x94).map((op) => [op]) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(0x4b, 0x68, 0x71, 0x80), fc.integer({ min: 0, max: 255 })).map(([op, arg]) => [op, arg]) }, // BININT1 BINGET BINPUT PROTO
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x4a, 0x6a, 0x72), fc.nat({ max: 0xffffffff })).map(([op, arg]) => [op, ...u32(arg)]) }, // BININT LONG_BINGET LONG_BINPUT
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x4d), fc.integer({ min: 0, max: 0xffff })).map(([op, arg]) => [op, arg & 0xff, arg >>> 8]) }, // BININT2
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x47, 0x95), fc.uint8Array({ minLength: 8, maxLength: 8 })).map(([op, arg]) => [op, ...arg]) }, // BINFLOAT FRAME
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((digits) => [0x8a, digits.length, ...digits]) }, // LONG1
  { weight: 3, arbitrary: word.map((text) => [0x8c, Buffer.byteLength(text), ...utf8(text)]) }, // SHORT_BINUNICODE
  { weight: 1, arbitrary: fc.tuple(word, fc.integer({ min: -2, max: 2 })).map(([text, lie]) => [0x58, ...u32(Math.max(0, Buffer.byteLength(text) + lie)), ...utf8(text)]) }, // BINUNICODE, length maybe wrong
  { weight: 2, arbitrary: fc.tuple(word, word).map(([module, name]) => [0x63, ...utf8(`${module}\n${name}\n`)]) }, // GLOBAL
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }).map((byte) => [byte]) },
);

/** PROTO 2, random instructions, usually a STOP. */
const opcodeStream = fc
  .tuple(fc.array(instruction, { maxLength: 40 }), fc.boolean())
  .map(([instructions, stop]) => Uint8Array.from([0x80, 2, ...instructions.flat(), ...(stop ? [0x2e] : [])]));

const valid: Storage = { type: 'FloatStorage', bytes: new Uint8Array(16), numel: 4 };
const validView = { storage: '0', offset: 0, size: [2, 2], stride: [2, 1] };

/** A list built from more items than a function call may take as arguments. */
const hugeAppends = Uint8Array.from([0x80, 2, 0x5d, 0x28, ...new Array<number>(200_000).fill(0x4e), 0x65, 0x2e]);
/** A list nested 100,000 deep, and a list that contains itself (BINPUT 0, BINGET 0, APPEND). */
const deepList = Uint8Array.from([0x80, 2, ...new Array<number>(100_000).fill(0x5d), ...new Array<number>(99_999).fill(0x61), 0x2e]);
const selfList = Uint8Array.from([0x80, 2, 0x5d, 0x71, 0, 0x68, 0, 0x61, 0x2e]);
/** A state dict whose value is the dict itself. */
const selfDict = Uint8Array.from([0x80, 2, 0x7d, 0x71, 0, 0x8c, 1, 0x77, 0x68, 0, 0x73, 0x2e]);

describe('fuzz: PyTorch checkpoints', () => {
  it(
    'random pickle opcode streams: decoded, or refused with a CheckpointError',
    async () => {
      const summary = await fuzz({
        name: 'torch pickle opcodes',
        runs: 300,
        arbitrary: opcodeStream,
        examples: [hugeAppends, deepList, selfList, selfDict],
        expected: [CheckpointError],
        limitMs: 1000,
        run: (dataPkl) => decode(archiveWith(dataPkl)),
      });
      expect(summary.crashes).toBe(0);
      expect(summary.typedErrors).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  const STORAGE_TYPES: readonly StorageType[] = ['FloatStorage', 'HalfStorage', 'BFloat16Storage', 'DoubleStorage', 'LongStorage', 'IntStorage', 'ShortStorage', 'CharStorage', 'ByteStorage', 'BoolStorage'];
  /** A storage whose recorded element count may disagree with its bytes. */
  const storage: fc.Arbitrary<Storage> = fc
    .record({ type: fc.constantFrom(...STORAGE_TYPES), bytes: fc.uint8Array({ maxLength: 48 }), numelLie: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: -3, max: 3 }), fc.constantFrom(2 ** 31, 2 ** 53)) })
    .map(({ type, bytes, numelLie }) => {
      const size = { FloatStorage: 4, IntStorage: 4, DoubleStorage: 8, LongStorage: 8, HalfStorage: 2, BFloat16Storage: 2, ShortStorage: 2 }[type as string] ?? 1;
      const whole = bytes.subarray(0, bytes.length - (bytes.length % size));
      return { type, bytes: whole, numel: Math.max(0, whole.length / size + numelLie) };
    });
  const dim = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 4 }) }, fc.constantFrom(2 ** 20, 2 ** 31, 2 ** 53 - 1, -1));
  const view = fc.record({
    storage: fc.constantFrom('0', '1'),
    offset: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }) }, fc.constantFrom(2 ** 31, 2 ** 53 - 1)),
    size: fc.array(dim, { maxLength: 3 }),
    stride: fc.array(dim, { maxLength: 3 }),
  });
  /** Any pickled value, nested a few levels, including globals the allowlist refuses. */
  const { value: pyValue } = fc.letrec<{ value: Py }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<Py>(null, true, false, 0, -1, 2 ** 40, 'w', ''),
      fc.double().map((float): Py => ({ float })),
      fc.array(tie('value'), { maxLength: 3 }).map((list): Py => ({ list })),
      fc.array(tie('value'), { maxLength: 4 }).map((tuple): Py => ({ tuple })),
      fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 2 }).map((dict): Py => ({ dict })),
      fc.tuple(word, word, fc.boolean()).map(([module, name, stack]): Py => ({ global: [module, name], stack })),
      fc.array(tie('value'), { maxLength: 3 }).map((args): Py => ({ reduce: { global: ['torch._utils', '_rebuild_parameter'] }, args })),
      fc.array(tie('value'), { maxLength: 7 }).map((args): Py => ({ reduce: { global: ['torch._utils', '_rebuild_tensor_v2'] }, args })),
      tie('value').map((persistentId): Py => ({ persistentId })),
    ),
  }));

  /** A state dict of mostly well-formed tensors over storages that may lie, and odd values. */
  const stateDict = fc
    .record({
      storages: fc.tuple(storage, storage),
      entries: fc.array(fc.tuple(fc.constantFrom('w', 'b', 'two\nlines', ''), fc.oneof({ weight: 3, arbitrary: view.map((v) => ({ view: v })) }, pyValue.map((py) => ({ py })))), { maxLength: 4 }),
      missingStorage: fc.boolean(),
    })
    .map(({ storages, entries, missingStorage }) => {
      const byKey = { '0': storages[0], '1': storages[1] };
      const state = orderedDict(entries.map(([name, entry]) => [name, 'view' in entry ? rebuildTensor(entry.view, byKey) : entry.py] as const));
      return zip([
        { name: 'archive/data.pkl', data: pickle(state) },
        { name: 'archive/data/0', data: storages[0].bytes },
        ...(missingStorage ? [] : [{ name: 'archive/data/1', data: storages[1].bytes }]),
      ]);
    });

  it(
    'state dicts with lying storages, odd views and nested values: decoded, or refused with a CheckpointError',
    async () => {
      const summary = await fuzz({
        name: 'torch state dicts',
        runs: 300,
        arbitrary: stateDict,
        // Zero strides let a view of one element claim billions of them.
        examples: [[2 ** 31], [2 ** 20, 2 ** 20], [2 ** 53 - 1]].map((size) =>
          torchSave([['broadcast', { storage: '0', offset: 0, size, stride: size.map(() => 0) }]], { '0': valid }),
        ),
        expected: [CheckpointError],
        limitMs: 1000,
        run: (bytes) => decode(bytes),
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  it(
    'every global outside the allowlist is refused by name, wherever it appears',
    async () => {
      const forbidden = fc.oneof(
        fc.constantFrom(...DANGEROUS),
        fc.tuple(word, word).filter(([module, name]) => !ALLOWED.has(`${module}.${name}`)),
      );
      const summary = await fuzz({
        name: 'torch forbidden globals',
        runs: 100,
        // GLOBAL spells its names as lines, so only STACK_GLOBAL can name one with a line break.
        arbitrary: fc
          .record({ global: forbidden, stack: fc.boolean(), called: fc.boolean(), at: fc.nat({ max: 2 }) })
          .filter(({ global, stack }) => stack || !global.join('').includes('\n')),
        expected: [CheckpointError],
        limitMs: 1000,
        run: ({ global: [module, name], stack, called, at }) => {
          const evil: Py = called ? { reduce: { global: [module, name], stack }, args: ['touch /tmp/pwned'] } : { global: [module, name], stack };
          const entries: [Py, Py][] = [['a', rebuildTensor(validView, { '0': valid })], ['b', rebuildTensor(validView, { '0': valid })]];
          entries.splice(at, 0, ['evil', evil]);
          const bytes = zip([{ name: 'archive/data.pkl', data: pickle(orderedDict(entries)) }, { name: 'archive/data/0', data: valid.bytes }]);
          try {
            decode(bytes);
          } catch (error) {
            if ((error as Error).message.includes(`global ${JSON.stringify(`${module}.${name}`)} is not allowed`)) throw error;
            throw new Error(`refused for another reason: ${(error as Error).message}`);
          }
          throw new Error(`${module}.${name} was accepted`);
        },
      });
      expect(summary.crashes).toBe(0);
      expect(summary.typedErrors).toBe(summary.cases);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );

  const stored = torchSave(
    [
      ['w', validView],
      ['w.T', { storage: '0', offset: 0, size: [2, 2], stride: [1, 2] }],
    ],
    { '0': { type: 'FloatStorage', bytes: Uint8Array.from({ length: 16 }, (_, i) => i), numel: 4 } },
    { zip64: true },
  );
  /** The same entries deflated, as a checkpoint re-zipped by another tool would be. */
  const deflated = zip(
    [
      { name: 'archive/data.pkl', data: pickle(orderedDict([['w', rebuildTensor(validView, { '0': valid })]])), deflate: true },
      { name: 'archive/data/0', data: valid.bytes, deflate: true },
    ],
    { zip64: true },
  );
  /** Edits are drawn towards the central directory and the end records, where offsets live. */
  const damagedArchive = (archive: Buffer) => {
    const directoryStart = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), archive.length - 1);
    return damagedBytes(archive, [[Math.max(0, directoryStart - 200), archive.length]]);
  };

  it(
    'a damaged zip archive: decoded, or refused with a CheckpointError',
    async () => {
      const summary = await fuzz({
        name: 'torch zip damage',
        runs: 300,
        arbitrary: fc.tuple(fc.oneof(damagedArchive(stored), damagedArchive(deflated)), fc.boolean()),
        expected: [CheckpointError],
        limitMs: 1000,
        run: ([bytes, verifyCrc]) => decode(bytes, verifyCrc),
      });
      expect(summary.crashes).toBe(0);
      expect(summary.succeeded).toBeGreaterThan(0);
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});

/** What malicious pickles call; the random names above cover the rest of the namespace. */
const DANGEROUS: ReadonlyArray<readonly [string, string]> = [
  ['os', 'system'], ['posix', 'system'], ['nt', 'system'], ['builtins', 'eval'], ['builtins', 'exec'], ['__builtin__', 'eval'],
  ['builtins', 'getattr'], ['builtins', '__import__'], ['subprocess', 'Popen'], ['subprocess', 'check_output'], ['runpy', '_run_code'],
  ['torch', 'load'], ['torch._utils', '_rebuild_tensor'], ['collections', 'defaultdict'], ['numpy.core.multiarray', '_reconstruct'],
];

const ALLOWED = new Set([
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  ...['Float', 'Half', 'BFloat16', 'Double', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool'].map((type) => `torch.${type}Storage`),
]);
