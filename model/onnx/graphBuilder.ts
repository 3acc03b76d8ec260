// A tiny builder for ONNX graphs. Values are referred to by name (as in ONNX itself): `node`
// returns the name of the value it computes, which the next node takes as an input. Names are
// made unique here, so the model code can name values after the HF module that computes them
// (`encoder.layer.0.attention.self.query`) without counting.

import { hostIsLittleEndian } from '../weights/elementType.js';
import { elementCount } from '../weights/hostTensor.js';
import type { OnnxAttribute, OnnxElementType, OnnxGraph, OnnxNode, OnnxTensor, OnnxValueInfo } from './onnxProto.js';

/**
 * The largest message protobuf can parse: sizes are signed 32-bit, so 2 GiB − 1 bytes. A model
 * file is one message, so weights beyond this need ONNX's external-data format (weights in side
 * files), which this exporter does not write.
 */
export const PROTOBUF_MAX_BYTES = 2 ** 31 - 1;

export class OnnxSizeError extends Error {
  override readonly name = 'OnnxSizeError';

  constructor(what: string, limit: number) {
    super(
      `${what}: more than ${limit.toLocaleString('en-US')} bytes, the most one protobuf message (a single .onnx file) can hold. ` +
        'Models this large need ONNX external data (weights in side files), which this exporter does not write.',
    );
  }
}

export const attr = {
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value }),
  tensor: (value: OnnxTensor): OnnxAttribute => ({ type: 'tensor', value }),
};

/** The element arrays a tensor can be written from. */
export type OnnxTensorData = Float32Array | Uint8Array | Int8Array | BigInt64Array;

/** A tensor's elements as TensorProto.raw_data wants them: fixed-width little-endian. */
function rawData(data: OnnxTensorData): Uint8Array {
  if (hostIsLittleEndian || data instanceof Int8Array || data instanceof Uint8Array) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength); // a view, no copy
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  data.forEach((v: number | bigint, i: number) => {
    if (typeof v === 'bigint') view.setBigInt64(i * 8, v, true);
    else view.setFloat32(i * 4, v, true);
  });
  return out;
}

/** [rows, cols] row-major → [cols, rows]: PyTorch's [out, in] weights in MatMul's [in, out] layout. */
export function transposed<A extends Float32Array | Int8Array>(data: A, rows: number, cols: number): A {
  const out = new (data.constructor as new (length: number) => A)(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** A tensor value, for initializers and attributes. */
export function onnxTensor(name: string, dims: readonly number[], data: OnnxTensorData): OnnxTensor {
  const count = elementCount(dims);
  if (data.length !== count) throw new Error(`ONNX tensor "${name}": shape [${dims.join(', ')}] has ${count} elements, data has ${data.length}`);
  const elementType = data instanceof Float32Array ? 'float32' : data instanceof Int8Array ? 'int8' : data instanceof Uint8Array ? 'uint8' : 'int64';
  return { name, elementType, dims, rawData: rawData(data) };
}

export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly initializers: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly outputs: OnnxValueInfo[] = [];
  private readonly names = new Set<string>();
  /** Small constants by content, so equal ones (reshape targets, axes) are stored once. */
  private readonly constants = new Map<string, string>();
  private weightBytes = 0;

  /** `byteLimit`: refuse as soon as the initializers alone exceed it (before encoding anything). */
  constructor(private readonly byteLimit = PROTOBUF_MAX_BYTES) {}

  /** A graph input; dims are sizes or names of dynamic axes. */
  input(name: string, elementType: OnnxElementType, dims: readonly (number | string)[]): string {
    this.claim(name);
    this.inputs.push({ name, elementType, dims });
    return name;
  }

  /** Publishes `value` as the graph output `name` (through an Identity node, so one value can be published twice). */
  output(value: string, name: string, elementType: OnnxElementType, dims: readonly (number | string)[]): void {
    this.claim(name);
    this.nodes.push({ name, opType: 'Identity', inputs: [value], outputs: [name], attributes: {} });
    this.outputs.push({ name, elementType, dims });
  }

  /** A weight, stored in the file under `name`. */
  initializer(name: string, dims: readonly number[], data: OnnxTensorData): string {
    const tensor = onnxTensor(name, dims, data);
    this.claim(name);
    this.weightBytes += data.byteLength;
    if (this.weightBytes > this.byteLimit) {
      throw new OnnxSizeError(`the weights up to "${name}" take ${this.weightBytes.toLocaleString('en-US')} bytes`, this.byteLimit);
    }
    this.initializers.push(tensor);
    return name;
  }

  /** A small int64 constant, shared by every node that needs the same values. */
  int64Constant(hint: string, dims: readonly number[], values: readonly number[]): string {
    return this.constant(hint, dims, BigInt64Array.from(values, BigInt));
  }

  floatConstant(hint: string, dims: readonly number[], values: readonly number[]): string {
    return this.constant(hint, dims, Float32Array.from(values));
  }

  /** Adds a node with one output and returns that output's name (made unique from `hint`). */
  node(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttribute>> = {}, hint: string = opType): string {
    const output = this.freshName(hint);
    this.claim(output);
    this.nodes.push({ name: output, opType, inputs, outputs: [output], attributes });
    return output;
  }

  build(name: string, docString?: string): OnnxGraph {
    return { name, docString, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
  }

  private constant(hint: string, dims: readonly number[], data: Float32Array | BigInt64Array): string {
    const key = `${data.constructor.name}[${dims.join(',')}]:${data.join(',')}`;
    let name = this.constants.get(key);
    if (name === undefined) {
      name = this.initializer(this.freshName(hint), dims, data);
      this.constants.set(key, name);
    }
    return name;
  }

  /** `hint` itself if no value has that name yet, else `hint_1`, `hint_2`, … */
  private freshName(hint: string): string {
    let name = hint;
    for (let i = 1; this.names.has(name); i++) name = `${hint}_${i}`;
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`ONNX graph: the name "${name}" is already taken`);
    this.names.add(name);
  }
}
