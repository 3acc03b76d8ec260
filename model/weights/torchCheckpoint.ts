// PyTorch checkpoints (`pytorch_model.bin`) in the zip format `torch.save` has written since 1.6:
//
//   <archive>/data.pkl      the pickled state dict: an OrderedDict of name → tensor, where each
//                           tensor is `torch._utils._rebuild_tensor_v2(storage, storage_offset,
//                           size, stride, requires_grad, backward_hooks)` and each storage is a
//                           persistent id ('storage', torch.FloatStorage, key, location, numel)
//   <archive>/data/<key>    the raw little-endian bytes of storage <key> (stored, 64-byte aligned)
//   <archive>/byteorder     "little" (absent in files from older versions, which were little-endian)
//   <archive>/version       the format version
//
// Several tensors may view one storage (tied weights, slices, transposes), so a tensor is rebuilt
// from its storage with its own offset, size and stride. The pickle is read by the restricted
// unpickler in unpickle.ts: nothing in the file is executed.

import { readBinaryFile } from '../../platform/files.js';
import { ELEMENT_BYTES, decodeElements, hostDTypeOf, type ElementType } from './elementType.js';
import { CheckpointError } from './errors.js';
import { elementCount, type HostTensor } from './hostTensor.js';
import {
  ORDERED_DICT,
  PickleDict,
  PickleGlobal,
  PickleObject,
  PickleTuple,
  describePickle,
  unpickle,
  type PickleValue,
} from './unpickle.js';
import { ZipArchive, hasZipSignature } from './zip.js';

export interface TorchCheckpointOptions {
  /** Check each zip entry's CRC-32 (costs a pass over the weights). */
  readonly verifyCrc?: boolean;
}

/** The legacy storage classes a checkpoint names for each element type. */
const STORAGE_TYPES: ReadonlyMap<string, ElementType> = new Map<string, ElementType>([
  ['torch.FloatStorage', 'F32'],
  ['torch.HalfStorage', 'F16'],
  ['torch.BFloat16Storage', 'BF16'],
  ['torch.DoubleStorage', 'F64'],
  ['torch.LongStorage', 'I64'],
  ['torch.IntStorage', 'I32'],
  ['torch.ShortStorage', 'I16'],
  ['torch.CharStorage', 'I8'],
  ['torch.ByteStorage', 'U8'],
  ['torch.BoolStorage', 'BOOL'],
]);

class TorchStorage extends PickleObject {
  readonly typeName = 'torch storage';
  constructor(
    readonly key: string,
    readonly elementType: ElementType,
    readonly bytes: Uint8Array,
  ) {
    super();
  }
}

/** What `_rebuild_tensor_v2` describes: a strided view of a storage, in elements. */
class TorchTensorView extends PickleObject {
  readonly typeName = 'torch tensor';
  constructor(
    readonly storage: TorchStorage,
    readonly offset: number,
    readonly size: readonly number[],
    readonly stride: readonly number[],
  ) {
    super();
  }
}

export async function readTorchCheckpoint(path: string, options?: TorchCheckpointOptions): Promise<Map<string, HostTensor>> {
  return decodeTorchCheckpoint(await readBinaryFile(path), path, options);
}

export function decodeTorchCheckpoint(
  bytes: Uint8Array,
  source: string,
  options: TorchCheckpointOptions = {},
): Map<string, HostTensor> {
  if (!hasZipSignature(bytes)) {
    throw new CheckpointError(
      bytes[0] === 0x80
        ? `${source}: this is a legacy PyTorch checkpoint (a bare pickle, written by torch < 1.6 or with ` +
          '_use_new_zipfile_serialization=False), which is not supported: re-save it with torch >= 1.6 ' +
          '(torch.save(torch.load(path), path)) or convert it to safetensors'
        : `${source}: not a PyTorch checkpoint: it is not a zip archive`,
    );
  }
  const zip = new ZipArchive(bytes, source);
  const read = (name: string) => zip.read(name, { verifyCrc: options.verifyCrc ?? false });
  const archive = archiveFolder(zip, read);
  const root = unpickle(read(`${archive}data.pkl`), `${source} (${archive}data.pkl)`, {
    globals: [
      ORDERED_DICT,
      REBUILD_TENSOR_V2,
      REBUILD_PARAMETER,
      ...[...STORAGE_TYPES.keys()].map((name) => new PickleGlobal(name)),
    ],
    persistentLoad: storageLoader(zip, archive, read),
  });

  if (!(root instanceof PickleDict)) {
    throw new CheckpointError(`${source}: data.pkl holds ${describePickle(root)}, not a state dict (a dict of tensors)`);
  }
  const tensors = new Map<string, HostTensor>();
  for (const [name, value] of root.items) {
    if (typeof name !== 'string' || !(value instanceof TorchTensorView)) {
      throw new CheckpointError(`${source}: state dict entry ${JSON.stringify(name)} is ${describePickle(value)}, not a tensor`);
    }
    tensors.set(name, materialize(value, `${source}: tensor ${JSON.stringify(name)}`));
  }
  return tensors;
}

/** The folder ("archive/") all entries live in, named after the file torch.save wrote to. */
function archiveFolder(zip: ZipArchive, read: (name: string) => Uint8Array): string {
  const pickles = [...zip.entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new CheckpointError(
      `${zip.source}: expected exactly one <archive>/data.pkl entry, found ${pickles.length} ` +
        `(entries: ${[...zip.entries.keys()].slice(0, 8).map((name) => JSON.stringify(name)).join(', ')}): not a torch.save checkpoint`,
    );
  }
  const archive = pickles[0]!.slice(0, -'data.pkl'.length);
  if (zip.entries.has(`${archive}byteorder`)) {
    const order = new TextDecoder().decode(read(`${archive}byteorder`));
    if (order !== 'little') {
      throw new CheckpointError(`${zip.source}: byte order is ${JSON.stringify(order)}; only little-endian checkpoints are supported`);
    }
  }
  return archive;
}

/** Resolves the pickle's persistent ids ('storage', type, key, location, numel) to storage bytes, once per key. */
function storageLoader(zip: ZipArchive, archive: string, read: (name: string) => Uint8Array): (id: PickleValue) => PickleValue {
  const storages = new Map<string, TorchStorage>();
  return (id) => {
    const [kind, type, key, , numel] = id instanceof PickleTuple ? id.items : [];
    const elementType = type instanceof PickleGlobal ? STORAGE_TYPES.get(type.qualifiedName) : undefined;
    if (
      !(id instanceof PickleTuple) ||
      id.items.length !== 5 ||
      kind !== 'storage' ||
      elementType === undefined ||
      typeof key !== 'string' ||
      !isNonNegativeInteger(numel)
    ) {
      throw new Error(`expected a storage id ('storage', <torch storage type>, key, location, numel), got ${describeId(id)}`);
    }
    const known = storages.get(key);
    if (known !== undefined) {
      if (known.elementType !== elementType) {
        throw new Error(`storage ${JSON.stringify(key)} is used as both ${known.elementType} and ${elementType}`);
      }
      return known;
    }
    const entry = `${archive}data/${key}`;
    if (!zip.entries.has(entry)) throw new CheckpointError(`${zip.source}: storage ${JSON.stringify(key)} has no zip entry ${JSON.stringify(entry)}`);
    const data = read(entry);
    const needed = numel * ELEMENT_BYTES[elementType];
    if (data.byteLength !== needed) {
      throw new CheckpointError(
        `${zip.source}: storage ${JSON.stringify(key)}: ${numel} ${elementType} elements need ${needed} bytes, ${JSON.stringify(entry)} has ${data.byteLength}`,
      );
    }
    const storage = new TorchStorage(key, elementType, data);
    storages.set(key, storage);
    return storage;
  };
}

const REBUILD_TENSOR_V2 = new PickleGlobal('torch._utils._rebuild_tensor_v2', (args) => {
  // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
  const [storage, offset, size, stride, requiresGrad, hooks] = args;
  if (
    (args.length !== 6 && args.length !== 7) ||
    !(storage instanceof TorchStorage) ||
    !isNonNegativeInteger(offset) ||
    !isIntegerTuple(size) ||
    !isIntegerTuple(stride) ||
    size.items.length !== stride.items.length ||
    typeof requiresGrad !== 'boolean' ||
    !(hooks instanceof PickleDict)
  ) {
    throw new Error(
      `expected (storage, offset, size, stride, requires_grad, hooks), got (${args.map(describePickle).join(', ')})`,
    );
  }
  return new TorchTensorView(storage, offset, size.items as number[], stride.items as number[]);
});

/** `nn.Parameter(data, requires_grad, hooks)`: for weights, just the tensor. */
const REBUILD_PARAMETER = new PickleGlobal('torch._utils._rebuild_parameter', (args) => {
  const [data] = args;
  if (args.length !== 3 || !(data instanceof TorchTensorView)) {
    throw new Error(`expected (tensor, requires_grad, hooks), got (${args.map(describePickle).join(', ')})`);
  }
  return data;
});

/** Copies (or views) a strided tensor out of its storage, in row-major order. */
function materialize(view: TorchTensorView, where: string): HostTensor {
  const { storage, offset, size, stride } = view;
  const dtype = hostDTypeOf(storage.elementType);
  const elementBytes = ELEMENT_BYTES[storage.elementType];
  let count: number;
  try {
    count = elementCount(size);
  } catch (error) {
    throw new CheckpointError(`${where}: ${(error as Error).message}`);
  }
  if (count === 0) return { dtype, shape: size, data: dtype === 'float32' ? new Float32Array(0) : new Int32Array(0) };

  // The farthest element the view touches must lie inside the storage.
  let last = offset;
  for (let d = 0; d < size.length; d++) last += (size[d]! - 1) * stride[d]!;
  const storageLength = storage.bytes.byteLength / elementBytes;
  // Only zero strides make a view larger than its storage (a broadcast). Copying one out would let
  // a few bytes of file claim any amount of memory, and no state dict needs it.
  if (count > storageLength) {
    throw new CheckpointError(
      `${where}: size [${size.join(', ')}] has ${count} elements, more than storage ${JSON.stringify(storage.key)} holds ` +
        `(${storageLength}): broadcast views (zero strides) are not supported`,
    );
  }
  if (last >= storageLength) {
    throw new CheckpointError(
      `${where}: offset ${offset}, size [${size.join(', ')}], stride [${stride.join(', ')}] reach element ${last}, ` +
        `past the end of storage ${JSON.stringify(storage.key)} (${storageLength} elements)`,
    );
  }
  const spanBytes = storage.bytes.subarray(offset * elementBytes, (last + 1) * elementBytes);
  const span = decodeElements(spanBytes, storage.elementType, where);
  return { dtype, shape: size, data: isRowMajor(size, stride) ? span : gather(span, size, stride, count) };
}

/** Whether the strides are those of a dense row-major array (dimensions of size 1 may have any stride). */
function isRowMajor(size: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d]!;
  }
  return true;
}

/** Reads a strided view (element 0 at index 0 of `source`) into a new row-major array. */
function gather(
  source: Float32Array | Int32Array,
  size: readonly number[],
  stride: readonly number[],
  count: number,
): Float32Array | Int32Array {
  const out = source instanceof Float32Array ? new Float32Array(count) : new Int32Array(count);
  const index = new Array<number>(size.length).fill(0);
  let at = 0;
  for (let i = 0; i < count; i++) {
    out[i] = source[at]!;
    // Advance the multi-index like an odometer, moving `at` by the stride of each digit.
    for (let d = size.length - 1; d >= 0; d--) {
      index[d]!++;
      at += stride[d]!;
      if (index[d]! < size[d]!) break;
      at -= stride[d]! * size[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function isNonNegativeInteger(value: PickleValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function isIntegerTuple(value: PickleValue | undefined): value is PickleTuple {
  return value instanceof PickleTuple && value.items.every(isNonNegativeInteger);
}

function describeId(id: PickleValue): string {
  return id instanceof PickleTuple ? `(${id.items.map(describePickle).join(', ')})` : describePickle(id);
}
