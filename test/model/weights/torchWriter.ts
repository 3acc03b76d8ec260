// Test helper: writes PyTorch checkpoints the way `torch.save` does, without PyTorch.
//
//  - `pickle`: a pickle protocol-2 writer for a small Python value model, emitting the opcodes
//    CPython's pickler emits for the same objects (BINPUT after each memoized object, BINGET when a
//    global or string is repeated, TUPLE1-3, EMPTY_DICT + SETITEMS, ...).
//  - `zip`: a stored (or deflated) zip writer that, like PyTorch's, pads each local header with an
//    extra field so entry data starts at a multiple of 64 bytes, and can write zip64 records.
//  - `torchSave`: the layout torch.save uses: <archive>/data.pkl (an OrderedDict of
//    `_rebuild_tensor_v2(persistent storage id, offset, size, stride, False, OrderedDict())`),
//    <archive>/byteorder, <archive>/data/<key>, <archive>/version.

import { crc32, deflateRawSync } from 'node:zlib';
import type { HostTensor } from '../../../model/weights/hostTensor.js';

/** Python values, as the pickler sees them. */
export type Py =
  | null
  | boolean
  | number // an int (floats are { float })
  | string
  | { readonly float: number }
  | { readonly list: readonly Py[] }
  | { readonly tuple: readonly Py[] }
  | { readonly dict: readonly (readonly [Py, Py])[] }
  | { readonly global: readonly [module: string, name: string]; readonly stack?: boolean }
  | { readonly reduce: Py; readonly args: readonly Py[]; readonly setItems?: readonly (readonly [Py, Py])[]; readonly state?: Py }
  | { readonly persistentId: Py };

export const orderedDict = (items: readonly (readonly [Py, Py])[] = [], state?: Py): Py => ({
  reduce: { global: ['collections', 'OrderedDict'] },
  args: [],
  setItems: items,
  ...(state === undefined ? {} : { state }),
});

/** A pickle: PROTO 2, the value, STOP. */
export function pickle(value: Py): Buffer {
  const out: number[] = [0x80, 2];
  const memo = new Map<string, number>();
  const memoize = (key?: string): void => {
    const index = memo.size;
    if (key !== undefined) memo.set(key, index);
    else memo.set(`#${index}`, index);
    out.push(...(index < 256 ? [0x71, index] : [0x72, ...u32(index)])); // BINPUT / LONG_BINPUT
  };
  const recall = (key: string): boolean => {
    const index = memo.get(key);
    if (index === undefined) return false;
    out.push(...(index < 256 ? [0x68, index] : [0x6a, ...u32(index)])); // BINGET / LONG_BINGET
    return true;
  };
  const setItems = (items: readonly (readonly [Py, Py])[]): void => {
    if (items.length === 0) return;
    if (items.length > 1) out.push(0x28); // MARK
    for (const [key, item] of items) {
      emit(key);
      emit(item);
    }
    out.push(items.length > 1 ? 0x75 : 0x73); // SETITEMS / SETITEM
  };

  const emit = (value: Py): void => {
    if (value === null) return void out.push(0x4e); // NONE
    if (value === true) return void out.push(0x88); // NEWTRUE
    if (value === false) return void out.push(0x89); // NEWFALSE
    if (typeof value === 'number') return void out.push(...int(value));
    if (typeof value === 'string') {
      if (recall(`str:${value}`)) return;
      const bytes = Buffer.from(value, 'utf8');
      out.push(0x58, ...u32(bytes.length), ...bytes); // BINUNICODE
      return memoize(`str:${value}`);
    }
    if ('float' in value) {
      const bytes = Buffer.alloc(8);
      bytes.writeDoubleBE(value.float);
      return void out.push(0x47, ...bytes); // BINFLOAT
    }
    if ('list' in value) {
      out.push(0x5d); // EMPTY_LIST
      memoize();
      if (value.list.length === 0) return;
      if (value.list.length > 1) out.push(0x28);
      value.list.forEach(emit);
      return void out.push(value.list.length > 1 ? 0x65 : 0x61); // APPENDS / APPEND
    }
    if ('tuple' in value) {
      const n = value.tuple.length;
      if (n === 0) return void out.push(0x29); // EMPTY_TUPLE (never memoized)
      if (n > 3) out.push(0x28);
      value.tuple.forEach(emit);
      out.push(n > 3 ? 0x74 : 0x85 + n - 1); // TUPLE / TUPLE1-3
      return memoize();
    }
    if ('dict' in value) {
      out.push(0x7d); // EMPTY_DICT
      memoize();
      return setItems(value.dict);
    }
    if ('global' in value) {
      const [module, name] = value.global;
      if (recall(`global:${module}.${name}`)) return;
      if (value.stack === true) {
        emit(module);
        emit(name);
        out.push(0x93); // STACK_GLOBAL (protocol 4)
      } else {
        out.push(0x63, ...Buffer.from(`${module}\n${name}\n`, 'utf8')); // GLOBAL
      }
      return memoize(`global:${module}.${name}`);
    }
    if ('reduce' in value) {
      emit(value.reduce);
      emit({ tuple: value.args });
      out.push(0x52); // REDUCE
      memoize();
      setItems(value.setItems ?? []);
      if (value.state !== undefined) {
        emit(value.state);
        out.push(0x62); // BUILD
      }
      return;
    }
    emit(value.persistentId);
    out.push(0x51); // BINPERSID
  };

  emit(value);
  out.push(0x2e); // STOP
  return Buffer.from(out);
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function int(value: number): number[] {
  if (value >= 0 && value < 256) return [0x4b, value]; // BININT1
  if (value >= 0 && value < 65536) return [0x4d, value & 0xff, value >>> 8]; // BININT2
  if (value >= -(2 ** 31) && value < 2 ** 31) return [0x4a, ...u32(value)]; // BININT
  // LONG1: little-endian two's complement, as short as possible.
  const bytes: number[] = [];
  let rest = BigInt(value);
  while (true) {
    const byte = Number(rest & 0xffn);
    bytes.push(byte);
    rest >>= 8n;
    if ((rest === 0n && byte < 0x80) || (rest === -1n && byte >= 0x80)) break;
  }
  return [0x8a, bytes.length, ...bytes];
}

export interface ZipInput {
  readonly name: string;
  readonly data: Uint8Array;
  readonly deflate?: boolean;
}

/**
 * A zip archive. With `zip64`, central-directory sizes and offsets are written as 0xFFFFFFFF with
 * the real values in a zip64 extra field, and a zip64 end-of-central-directory record is added.
 */
export function zip(entries: readonly ZipInput[], options: { zip64?: boolean; align?: number } = {}): Buffer {
  const align = options.align ?? 64;
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const stored = entry.deflate === true ? deflateRawSync(entry.data) : Buffer.from(entry.data);
    const crc = crc32(entry.data);
    // Pad with an extra field (id 'FB', as PyTorch does) so the data starts aligned.
    const padding = (align - ((offset + 30 + name.length + 4) % align)) % align;
    const extra = Buffer.alloc(4 + padding);
    extra.writeUInt16LE(0x4246, 0);
    extra.writeUInt16LE(padding, 2);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.deflate === true ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extra.length, 28);
    parts.push(local, name, extra, stored);

    const zip64Extra = Buffer.alloc(options.zip64 === true ? 28 : 0);
    if (options.zip64 === true) {
      zip64Extra.writeUInt16LE(0x0001, 0);
      zip64Extra.writeUInt16LE(24, 2);
      zip64Extra.writeBigUInt64LE(BigInt(entry.data.length), 4);
      zip64Extra.writeBigUInt64LE(BigInt(stored.length), 12);
      zip64Extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    const wide = (value: number) => (options.zip64 === true ? 0xffffffff : value);
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(45, 4);
    header.writeUInt16LE(45, 6);
    header.writeUInt16LE(entry.deflate === true ? 8 : 0, 10);
    header.writeUInt32LE(crc, 16);
    header.writeUInt32LE(wide(stored.length), 20);
    header.writeUInt32LE(wide(entry.data.length), 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(zip64Extra.length, 30);
    header.writeUInt32LE(wide(offset), 42);
    central.push(header, name, zip64Extra);
    offset += 30 + name.length + extra.length + stored.length;
  }
  const directory = Buffer.concat(central);
  const tail: Buffer[] = [];
  if (options.zip64 === true) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(entries.length), 24);
    record.writeBigUInt64LE(BigInt(entries.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(options.zip64 === true ? 0xffffffff : offset, 16);
  return Buffer.concat([...parts, directory, ...tail, end]);
}

export type StorageType =
  | 'FloatStorage'
  | 'HalfStorage'
  | 'BFloat16Storage'
  | 'DoubleStorage'
  | 'LongStorage'
  | 'IntStorage'
  | 'ShortStorage'
  | 'CharStorage'
  | 'ByteStorage'
  | 'BoolStorage';

export interface Storage {
  readonly type: StorageType;
  /** Raw little-endian element bytes. */
  readonly bytes: Uint8Array;
  readonly numel: number;
}

export interface TensorView {
  readonly storage: string;
  readonly offset: number;
  readonly size: readonly number[];
  readonly stride: readonly number[];
}

/** `_rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel), offset, size, stride, False, OrderedDict())` */
export function rebuildTensor(view: TensorView, storages: Readonly<Record<string, Storage>>): Py {
  const storage = storages[view.storage]!;
  return {
    reduce: { global: ['torch._utils', '_rebuild_tensor_v2'] },
    args: [
      { persistentId: { tuple: ['storage', { global: ['torch', storage.type] }, view.storage, 'cpu', storage.numel] } },
      view.offset,
      { tuple: view.size },
      { tuple: view.stride },
      false,
      orderedDict(),
    ],
  };
}

/** The bytes `torch.save(state_dict, f)` would write (the _metadata attribute is included too). */
export function torchSave(
  tensors: readonly (readonly [string, TensorView])[],
  storages: Readonly<Record<string, Storage>>,
  options: { archive?: string; zip64?: boolean; byteorder?: string } = {},
): Buffer {
  const archive = options.archive ?? 'archive';
  const state = orderedDict(
    tensors.map(([name, view]) => [name, rebuildTensor(view, storages)] as const),
    { dict: [['_metadata', orderedDict([['', { dict: [['version', 1]] }]])]] },
  );
  return zip(
    [
      { name: `${archive}/data.pkl`, data: pickle(state) },
      { name: `${archive}/byteorder`, data: Buffer.from(options.byteorder ?? 'little') },
      ...Object.entries(storages).map(([key, storage]) => ({ name: `${archive}/data/${key}`, data: storage.bytes })),
      { name: `${archive}/version`, data: Buffer.from('3\n') },
    ],
    { zip64: options.zip64 ?? false },
  );
}

/**
 * What `torch.save(model.state_dict(), f)` writes for float32 `weights`: one storage per tensor,
 * contiguous. `aliases` (name → name already in `weights`) become views of the same storage, as
 * tied parameters are in the state dict save_pretrained writes to pytorch_model.bin.
 */
export function torchSaveFloat32(weights: ReadonlyMap<string, HostTensor>, aliases: Readonly<Record<string, string>> = {}): Buffer {
  const storages: Record<string, Storage> = {};
  const views = new Map<string, TensorView>();
  [...weights].forEach(([name, t], i) => {
    const bytes = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice();
    storages[String(i)] = { type: 'FloatStorage', bytes, numel: t.data.length };
    const stride = t.shape.map((_, axis) => t.shape.slice(axis + 1).reduce((p, d) => p * d, 1));
    views.set(name, { storage: String(i), offset: 0, size: t.shape, stride });
  });
  for (const [alias, target] of Object.entries(aliases)) views.set(alias, views.get(target)!);
  return torchSave([...views], storages);
}
