// A restricted unpickler: reads the Python pickles inside PyTorch checkpoints without ever running
// anything they say.
//
// A pickle is a program for a small stack machine. Most opcodes push data (ints, strings, tuples,
// dicts); two are dangerous: GLOBAL/STACK_GLOBAL look up any importable Python object by name, and
// REDUCE calls it with arguments. That is how a malicious `pytorch_model.bin` runs `os.system`. Here
// a global resolves only if the caller allow-listed it, and "calling" it runs a data constructor
// written in TypeScript (e.g. "describe a tensor view of this storage"). Any other global is an
// error naming it, raised before anything else happens. Only the opcodes that protocol 2-5 pickles
// of a state dict use are understood; any other opcode is an error naming its byte and offset.

import { CheckpointError } from './errors.js';

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | PickleGlobal
  | PickleObject;

export class PickleTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

/** Python dict keys, restricted to what state dicts use (str, and int for good measure). */
export type PickleDictKey = string | number;

export class PickleDict {
  readonly items = new Map<PickleDictKey, PickleValue>();
  /** Instance attributes set by BUILD: a state dict's OrderedDict carries `_metadata` this way. */
  readonly attributes = new Map<string, PickleValue>();
  constructor(readonly type: 'dict' | 'collections.OrderedDict') {}
}

/** A value built by an allow-listed global's constructor, opaque to the unpickler. */
export abstract class PickleObject {
  abstract readonly typeName: string;
}

/**
 * A global the pickle may name (`module.name`). `construct` is what REDUCE does with it, receiving
 * the argument tuple's items; it may throw an Error, which is reported with the pickle offset. A
 * global without `construct` can be passed around as data (e.g. a storage type) but not called.
 */
export class PickleGlobal {
  constructor(
    readonly qualifiedName: string,
    readonly construct?: (args: readonly PickleValue[]) => PickleValue,
  ) {}
}

/** `collections.OrderedDict()`: a state dict's container. */
export const ORDERED_DICT = new PickleGlobal('collections.OrderedDict', (args) => {
  if (args.length !== 0) throw new Error(`OrderedDict takes no arguments here, got ${args.length}`);
  return new PickleDict('collections.OrderedDict');
});

export interface UnpickleOptions {
  /** The only globals the pickle may name. */
  readonly globals: readonly PickleGlobal[];
  /** Resolves BINPERSID ids (PyTorch uses them for tensor storages); without it they are an error. */
  readonly persistentLoad?: (id: PickleValue) => PickleValue;
}

export function unpickle(bytes: Uint8Array, source: string, options: UnpickleOptions): PickleValue {
  return new Unpickler(bytes, source, options).run();
}

/** A short description of a pickled value for error messages. */
export function describePickle(value: PickleValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number' || typeof value === 'bigint') return `${value}`;
  if (typeof value === 'string') {
    return value.length > 40 ? `str ${JSON.stringify(value.slice(0, 37))}...` : `str ${JSON.stringify(value)}`;
  }
  if (Array.isArray(value)) return `list of ${value.length}`;
  if (value instanceof PickleTuple) return `tuple of ${value.items.length}`;
  if (value instanceof PickleDict) return `${value.type} of ${value.items.size}`;
  if (value instanceof PickleGlobal) return `global ${value.qualifiedName}`;
  return value.typeName;
}

const OP = {
  MARK: 0x28, // (
  EMPTY_TUPLE: 0x29, // )
  STOP: 0x2e, // .
  BINFLOAT: 0x47, // G
  BININT: 0x4a, // J
  BININT1: 0x4b, // K
  BININT2: 0x4d, // M
  NONE: 0x4e, // N
  BINPERSID: 0x51, // Q
  REDUCE: 0x52, // R
  BINUNICODE: 0x58, // X
  EMPTY_LIST: 0x5d, // ]
  APPEND: 0x61, // a
  BUILD: 0x62, // b
  GLOBAL: 0x63, // c
  APPENDS: 0x65, // e
  BINGET: 0x68, // h
  LONG_BINGET: 0x6a, // j
  BINPUT: 0x71, // q
  LONG_BINPUT: 0x72, // r
  SETITEM: 0x73, // s
  TUPLE: 0x74, // t
  SETITEMS: 0x75, // u
  EMPTY_DICT: 0x7d, // }
  PROTO: 0x80,
  TUPLE1: 0x85,
  TUPLE2: 0x86,
  TUPLE3: 0x87,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  LONG1: 0x8a,
  SHORT_BINUNICODE: 0x8c,
  STACK_GLOBAL: 0x93,
  MEMOIZE: 0x94,
  FRAME: 0x95,
} as const;

const HIGHEST_PROTOCOL = 5;

class Unpickler {
  private position = 0;
  /** Offset of the opcode being executed, for error messages. */
  private opcodeOffset = 0;
  private readonly stack: PickleValue[] = [];
  /** Stack heights at each MARK still open. */
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, PickleValue>();
  private readonly view: DataView;
  private readonly globals: Map<string, PickleGlobal>;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });

  constructor(
    private readonly bytes: Uint8Array,
    private readonly source: string,
    private readonly options: UnpickleOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.globals = new Map(options.globals.map((global) => [global.qualifiedName, global]));
  }

  run(): PickleValue {
    while (this.position < this.bytes.byteLength) {
      this.opcodeOffset = this.position;
      const opcode = this.uint(1);
      if (opcode === OP.STOP) return this.pop();
      this.execute(opcode);
    }
    this.opcodeOffset = this.position;
    return this.fail('the pickle ends without a STOP opcode (truncated?)');
  }

  private execute(opcode: number): void {
    switch (opcode) {
      case OP.PROTO: {
        const protocol = this.uint(1);
        if (protocol > HIGHEST_PROTOCOL) this.fail(`unsupported pickle protocol ${protocol}`);
        return;
      }
      case OP.FRAME:
        // Frames only tell a streaming reader how much to buffer; the whole pickle is in memory.
        this.advance(8);
        return;
      case OP.MARK:
        this.marks.push(this.stack.length);
        return;
      case OP.NONE:
        return this.push(null);
      case OP.NEWTRUE:
        return this.push(true);
      case OP.NEWFALSE:
        return this.push(false);
      case OP.BININT:
        return this.push(this.view.getInt32(this.advance(4), true));
      case OP.BININT1:
        return this.push(this.uint(1));
      case OP.BININT2:
        return this.push(this.uint(2));
      case OP.LONG1:
        return this.push(this.long(this.uint(1)));
      case OP.BINFLOAT:
        return this.push(this.view.getFloat64(this.advance(8), false));
      case OP.BINUNICODE:
        return this.push(this.text(this.take(this.uint(4))));
      case OP.SHORT_BINUNICODE:
        return this.push(this.text(this.take(this.uint(1))));
      case OP.EMPTY_TUPLE:
        return this.push(new PickleTuple([]));
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const items = Array.from({ length: opcode - OP.TUPLE1 + 1 }, () => this.pop()).reverse();
        return this.push(new PickleTuple(items));
      }
      case OP.TUPLE:
        return this.push(new PickleTuple(this.popMark()));
      case OP.EMPTY_LIST:
        return this.push([]);
      case OP.EMPTY_DICT:
        return this.push(new PickleDict('dict'));
      case OP.APPEND: {
        const item = this.pop();
        this.list(this.top()).push(item);
        return;
      }
      case OP.APPENDS: {
        const items = this.popMark();
        // One push per item: spreading a long list into push() overflows the call stack.
        const list = this.list(this.top());
        for (const item of items) list.push(item);
        return;
      }
      case OP.SETITEM: {
        const value = this.pop();
        const key = this.pop();
        this.setItem(this.top(), key, value);
        return;
      }
      case OP.SETITEMS: {
        const items = this.popMark();
        if (items.length % 2 !== 0) this.fail(`SETITEMS needs key/value pairs, got ${items.length} items`);
        const dict = this.top();
        for (let i = 0; i < items.length; i += 2) this.setItem(dict, items[i]!, items[i + 1]!);
        return;
      }
      case OP.BINPUT:
        return this.memoize(this.uint(1));
      case OP.LONG_BINPUT:
        return this.memoize(this.uint(4));
      case OP.MEMOIZE:
        return this.memoize(this.memo.size);
      case OP.BINGET:
        return this.recall(this.uint(1));
      case OP.LONG_BINGET:
        return this.recall(this.uint(4));
      case OP.GLOBAL: {
        const module = this.line();
        return this.push(this.global(module, this.line()));
      }
      case OP.STACK_GLOBAL: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') {
          this.fail(`STACK_GLOBAL needs two strings, got ${describePickle(module)} and ${describePickle(name)}`);
        }
        return this.push(this.global(module, name));
      }
      case OP.REDUCE:
        return this.reduce();
      case OP.BUILD:
        return this.build();
      case OP.BINPERSID: {
        const id = this.pop();
        const load = this.options.persistentLoad;
        if (load === undefined) this.fail('persistent id (BINPERSID) but no storage loader was given');
        return this.push(this.guard(() => load(id)));
      }
      default:
        this.fail(
          `unsupported pickle opcode 0x${opcode.toString(16).padStart(2, '0')}` +
            (opcode >= 0x20 && opcode < 0x7f ? ` ('${String.fromCharCode(opcode)}')` : '') +
            ': this is not a PyTorch state dict this loader understands',
        );
    }
  }

  private global(module: string, name: string): PickleGlobal {
    const qualifiedName = `${module}.${name}`;
    const global = this.globals.get(qualifiedName);
    if (global === undefined) {
      this.fail(
        `global ${JSON.stringify(qualifiedName)} is not allowed: refusing to load it (only ${[...this.globals.keys()].join(', ')} ` +
          'may appear in a checkpoint; nothing from the file is ever executed)',
      );
    }
    return global;
  }

  private reduce(): void {
    const args = this.pop();
    const callable = this.pop();
    if (!(callable instanceof PickleGlobal) || callable.construct === undefined) {
      this.fail(`REDUCE can only call an allowed constructor, not ${describePickle(callable)}`);
    }
    if (!(args instanceof PickleTuple)) this.fail(`REDUCE arguments must be a tuple, got ${describePickle(args)}`);
    const construct = callable.construct;
    this.push(this.guard(() => construct(args.items), `${callable.qualifiedName}: `));
  }

  private build(): void {
    const state = this.pop();
    const target = this.top();
    if (!(target instanceof PickleDict) || target.type !== 'collections.OrderedDict') {
      this.fail(`BUILD is only supported on an OrderedDict, not on ${describePickle(target)}`);
    }
    if (!(state instanceof PickleDict)) this.fail(`BUILD state must be a dict, got ${describePickle(state)}`);
    for (const [key, value] of state.items) {
      if (typeof key !== 'string') this.fail(`BUILD attribute names must be strings, got ${key}`);
      target.attributes.set(key, value);
    }
  }

  private setItem(dict: PickleValue, key: PickleValue, value: PickleValue): void {
    if (!(dict instanceof PickleDict)) this.fail(`SETITEM(S) on ${describePickle(dict)}, which is not a dict`);
    if (typeof key !== 'string' && typeof key !== 'number') {
      this.fail(`dict key ${describePickle(key)} is not supported (only str and int keys)`);
    }
    dict.items.set(key, value);
  }

  private list(value: PickleValue): PickleValue[] {
    if (!Array.isArray(value)) this.fail(`APPEND(S) on ${describePickle(value)}, which is not a list`);
    return value;
  }

  private memoize(index: number): void {
    this.memo.set(index, this.top());
  }

  private recall(index: number): void {
    const value = this.memo.get(index);
    if (value === undefined) this.fail(`memo entry ${index} is read before it is written`);
    this.push(value);
  }

  /** Runs a caller-supplied constructor, reporting its errors at this opcode. */
  private guard(construct: () => PickleValue, prefix = ''): PickleValue {
    try {
      return construct();
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      return this.fail(`${prefix}${(error as Error).message}`);
    }
  }

  private push(value: PickleValue): void {
    this.stack.push(value);
  }

  private pop(): PickleValue {
    const floor = this.marks.at(-1) ?? 0;
    if (this.stack.length <= floor) this.fail('stack underflow');
    return this.stack.pop()!;
  }

  private top(): PickleValue {
    const floor = this.marks.at(-1) ?? 0;
    if (this.stack.length <= floor) this.fail('stack underflow');
    return this.stack[this.stack.length - 1]!;
  }

  private popMark(): PickleValue[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail('no MARK to pop to');
    return this.stack.splice(mark);
  }

  /** Moves past `length` bytes of argument and returns where they start. */
  private advance(length: number): number {
    if (length > this.bytes.byteLength - this.position) {
      this.fail(`truncated pickle: the opcode's ${length}-byte argument runs past the end`);
    }
    const start = this.position;
    this.position += length;
    return start;
  }

  private take(length: number): Uint8Array {
    const start = this.advance(length);
    return this.bytes.subarray(start, start + length);
  }

  private uint(length: 1 | 2 | 4 | 8): number {
    const at = this.advance(length);
    switch (length) {
      case 1:
        return this.view.getUint8(at);
      case 2:
        return this.view.getUint16(at, true);
      case 4:
        return this.view.getUint32(at, true);
      case 8:
        return this.view.getUint32(at, true) + this.view.getUint32(at + 4, true) * 2 ** 32;
    }
  }

  /** LONG1's argument: a little-endian two's-complement integer of any width. */
  private long(length: number): number | bigint {
    const digits = this.take(length);
    let value = 0n;
    for (let i = digits.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digits[i]!);
    if (length > 0 && digits[length - 1]! >= 0x80) value -= 1n << BigInt(8 * length);
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  }

  private text(bytes: Uint8Array): string {
    try {
      return this.utf8.decode(bytes);
    } catch {
      return this.fail('string is not valid UTF-8');
    }
  }

  /** GLOBAL's arguments: newline-terminated strings. */
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) this.fail('truncated pickle: GLOBAL name has no terminating newline');
    return this.text(this.take(end - this.position + 1).subarray(0, -1));
  }

  private fail(detail: string): never {
    throw new CheckpointError(`${this.source}: pickle offset ${this.opcodeOffset}: ${detail}`);
  }
}
