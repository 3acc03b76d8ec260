import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../model/weights/errors.js';
import {
  ORDERED_DICT,
  PickleDict,
  PickleGlobal,
  PickleTuple,
  unpickle,
  type PickleValue,
  type UnpickleOptions,
} from '../../../model/weights/unpickle.js';
import { makeTempDir } from '../../tempDir.js';
import { orderedDict, pickle, type Py } from './torchWriter.js';

const plain: UnpickleOptions = { globals: [ORDERED_DICT] };

function unpickleError(bytes: Uint8Array, options: UnpickleOptions = plain): string {
  try {
    unpickle(bytes, 'evil.pkl', options);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected the pickle to be rejected');
}

/** Python-like rendering of a result, to compare against what CPython's pickle.loads gives. */
function py(value: PickleValue): unknown {
  if (Array.isArray(value)) return value.map(py);
  if (value instanceof PickleTuple) return { tuple: value.items.map(py) };
  if (value instanceof PickleDict) return { [value.type]: [...value.items].map(([k, v]) => [k, py(v)]) };
  if (value instanceof PickleGlobal) return { global: value.qualifiedName };
  return value;
}

describe('unpickle', () => {
  it('reads a protocol-4 pickle written by CPython', () => {
    // python3 -c "import pickle, collections; print(pickle.dumps(collections.OrderedDict([('name',
    //   ('héllo', -7, 300, 70000, 2**40, -2**63, 2.5, True, False, None)), ('list', [1, 2, 3]),
    //   ('same', 'name')]), protocol=4).hex())"   (CPython 3.11; uses FRAME, SHORT_BINUNICODE,
    //   MEMOIZE, STACK_GLOBAL, LONG1, BINFLOAT, APPENDS, SETITEMS, BINGET)
    const bytes = Buffer.from(
      '8004957c000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c046e616d6594' +
        '288c0668c3a96c6c6f944af9ffffff4d2c014a701101008a060000000000018a08000000000000008047400400000000000088' +
        '894e74948c046c697374945d94284b014b024b03658c0473616d65946804752e',
      'hex',
    );
    expect(py(unpickle(bytes, 'cpython.pkl', plain))).toEqual({
      'collections.OrderedDict': [
        ['name', { tuple: ['héllo', -7, 300, 70000, 2 ** 40, -(2n ** 63n), 2.5, true, false, null] }],
        ['list', [1, 2, 3]],
        ['same', 'name'],
      ],
    });
  });

  it('reads the protocol-2 opcodes torch.save emits, including BUILD of an OrderedDict', () => {
    const value: Py = orderedDict(
      [
        ['ints', { tuple: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, -(2 ** 40)] }],
        ['floats', { list: [{ float: 0.1 }, { float: -2e300 }] }],
        ['nested', { dict: [[1, { tuple: ['a'] }], ['b', { tuple: ['a', 'b'] }]] }],
        ['repeat', 'a'],
      ],
      { dict: [['_metadata', { dict: [['version', 1]] }]] },
    );
    const result = unpickle(pickle(value), 'p2.pkl', plain);
    expect(py(result)).toEqual({
      'collections.OrderedDict': [
        ['ints', { tuple: [0, 255, 256, 65535, 65536, -1, -(2 ** 31), 2 ** 31, -(2 ** 40)] }],
        ['floats', [0.1, -2e300]],
        ['nested', { dict: [[1, { tuple: ['a'] }], ['b', { tuple: ['a', 'b'] }]] }],
        ['repeat', 'a'],
      ],
    });
    expect(py((result as PickleDict).attributes.get('_metadata')!)).toEqual({ dict: [['version', 1]] });
  });

  describe('refuses to run anything', () => {
    const dir = makeTempDir('unpickle');

    // Each payload really works with CPython's pickle.loads (it creates the marker file).
    it.each([
      ['os', 'system', false, (marker: string) => `touch ${marker}`],
      ['builtins', 'eval', false, (marker: string) => `open(${JSON.stringify(marker)}, 'w').close()`],
      ['posix', 'system', true, (marker: string) => `touch ${marker}`],
      ['subprocess', 'Popen', true, (marker: string) => `touch ${marker}`],
    ])('%s.%s (STACK_GLOBAL: %s)', (module, name, stack, command) => {
      const marker = join(dir, `${module}-${name}`);
      const payload = pickle({ reduce: { global: [module, name], stack }, args: [command(marker)] });
      const message = unpickleError(payload, {
        globals: [ORDERED_DICT, new PickleGlobal('torch._utils._rebuild_tensor_v2', () => null)],
      });
      expect(message).toMatch(
        new RegExp(`^evil\\.pkl: pickle offset \\d+: global "${module}\\.${name}" is not allowed: refusing to load it \\(only collections\\.OrderedDict, torch\\._utils\\._rebuild_tensor_v2 may appear`),
      );
      expect(existsSync(marker)).toBe(false);
    });

    it('even inside an otherwise valid state dict', () => {
      const marker = join(dir, 'nested');
      const payload = pickle(orderedDict([['ok', 1], ['x', { reduce: { global: ['os', 'system'] }, args: [`touch ${marker}`] }]]));
      expect(unpickleError(payload)).toMatch(/global "os\.system" is not allowed/);
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('only calls allowed constructors, and BUILDs only OrderedDicts', () => {
    const storageType = new PickleGlobal('torch.FloatStorage');
    const callStorage = pickle({ reduce: { global: ['torch', 'FloatStorage'] }, args: [] });
    expect(unpickleError(callStorage, { globals: [storageType] })).toBe(
      'evil.pkl: pickle offset 25: REDUCE can only call an allowed constructor, not global torch.FloatStorage',
    );
    const buildDict = Buffer.from([0x80, 2, 0x7d, 0x7d, 0x62, 0x2e]); // {} {} BUILD
    expect(unpickleError(buildDict)).toBe('evil.pkl: pickle offset 4: BUILD is only supported on an OrderedDict, not on dict of 0');
    const badArgs = pickle({ reduce: { global: ['collections', 'OrderedDict'] }, args: [{ list: [] }] });
    expect(unpickleError(badArgs)).toMatch(/pickle offset \d+: collections\.OrderedDict: OrderedDict takes no arguments here, got 1$/);
  });

  it('names unknown opcodes with their byte and offset', () => {
    expect(unpickleError(Buffer.from('\x80\x02I1\n.', 'latin1'))).toBe(
      "evil.pkl: pickle offset 2: unsupported pickle opcode 0x49 ('I'): this is not a PyTorch state dict this loader understands",
    );
    expect(unpickleError(Buffer.from([0x80, 2, 0xfe]))).toMatch(/^evil\.pkl: pickle offset 2: unsupported pickle opcode 0xfe:/);
    expect(unpickleError(Buffer.from([0x80, 6, 0x2e]))).toBe('evil.pkl: pickle offset 0: unsupported pickle protocol 6');
  });

  it('rejects truncated and inconsistent pickles', () => {
    const good = pickle({ tuple: ['hello', 'world'] });
    expect(unpickleError(good.subarray(0, good.length - 1))).toBe(
      'evil.pkl: pickle offset 29: the pickle ends without a STOP opcode (truncated?)',
    );
    expect(unpickleError(good.subarray(0, 6))).toBe(
      "evil.pkl: pickle offset 2: truncated pickle: the opcode's 4-byte argument runs past the end",
    );
    expect(unpickleError(Buffer.from([0x80, 2, 0x58, 5, 0, 0, 0, 0x61]))).toMatch(/offset 2: truncated pickle: the opcode's 5-byte argument/);
    expect(unpickleError(Buffer.from([0x80, 2, 0x68, 3, 0x2e]))).toBe('evil.pkl: pickle offset 2: memo entry 3 is read before it is written');
    expect(unpickleError(Buffer.from([0x80, 2, 0x2e]))).toBe('evil.pkl: pickle offset 2: stack underflow');
    expect(unpickleError(Buffer.from([0x80, 2, 0x4b, 1, 0x74, 0x2e]))).toBe('evil.pkl: pickle offset 4: no MARK to pop to');
    expect(unpickleError(Buffer.from([0x80, 2, 0x28, 0x85, 0x2e]))).toBe('evil.pkl: pickle offset 3: stack underflow');
    expect(unpickleError(Buffer.from('\x80\x02cos\nsys', 'latin1'))).toMatch(/GLOBAL name has no terminating newline/);
    expect(unpickleError(Buffer.from([0x80, 2, 0x51, 0x2e]), plain)).toMatch(/offset 2: stack underflow/);
    expect(unpickleError(Buffer.from([0x80, 2, 0x4e, 0x51, 0x2e]), plain)).toBe(
      'evil.pkl: pickle offset 3: persistent id (BINPERSID) but no storage loader was given',
    );
  });
});
