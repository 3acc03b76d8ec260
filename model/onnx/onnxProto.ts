// The ONNX file format: a `ModelProto` protocol buffer. Only the messages and fields this exporter
// writes are listed, with their field numbers from onnx.proto
// (https://github.com/onnx/onnx/blob/main/onnx/onnx.proto; the numbers never change between
// versions, only new fields are added). The plain objects below (OnnxModel, OnnxGraph, ...) are
// what the graph builder produces; `encodeModel` turns them into protobuf bytes.

import { ProtoWriter } from './protobuf.js';

export const ModelProto = { irVersion: 1, producerName: 2, docString: 6, graph: 7, opsetImport: 8 } as const;
export const OperatorSetIdProto = { domain: 1, version: 2 } as const;
export const GraphProto = { node: 1, name: 2, initializer: 5, docString: 10, input: 11, output: 12 } as const;
export const NodeProto = { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 } as const;
export const AttributeProto = { name: 1, f: 2, i: 3, t: 5, ints: 8, type: 20 } as const;
/** AttributeProto.AttributeType: the discriminator an attribute must carry (IR ≥ 2). */
export const AttributeType = { FLOAT: 1, INT: 2, TENSOR: 4, INTS: 7 } as const;
export const TensorProto = { dims: 1, dataType: 2, name: 8, rawData: 9 } as const;
/** TensorProto.DataType. */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export const ValueInfoProto = { name: 1, type: 2 } as const;
export const TypeProto = { tensorType: 1 } as const;
/** TypeProto.Tensor. */
export const TypeProtoTensor = { elemType: 1, shape: 2 } as const;
export const TensorShapeProto = { dim: 1 } as const;
/** TensorShapeProto.Dimension: a fixed size or a symbolic name (a dynamic axis). */
export const Dimension = { dimValue: 1, dimParam: 2 } as const;

/** The element types this exporter uses. */
export type OnnxElementType = 'float32' | 'uint8' | 'int8' | 'int64';

const DATA_TYPE: Readonly<Record<OnnxElementType, number>> = { float32: DataType.FLOAT, uint8: DataType.UINT8, int8: DataType.INT8, int64: DataType.INT64 };

export interface OnnxTensor {
  readonly name: string;
  readonly elementType: OnnxElementType;
  readonly dims: readonly number[];
  /** The elements, fixed-width little-endian, row-major (TensorProto.raw_data). */
  readonly rawData: Uint8Array;
}

export type OnnxAttribute =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'tensor'; readonly value: OnnxTensor };

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: Readonly<Record<string, OnnxAttribute>>;
}

/** A graph input or output: a name, an element type and a shape whose dims may be symbolic. */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elementType: OnnxElementType;
  readonly dims: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly docString?: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxTensor[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  /** Version of the default ("ai.onnx") operator set. */
  readonly opsetVersion: number;
  readonly producerName: string;
  readonly docString?: string;
  readonly graph: OnnxGraph;
}

export function encodeModel(model: OnnxModel): ProtoWriter {
  const w = new ProtoWriter();
  w.int(ModelProto.irVersion, model.irVersion);
  w.string(ModelProto.producerName, model.producerName);
  if (model.docString) w.string(ModelProto.docString, model.docString);
  w.message(ModelProto.graph, (g) => writeGraph(g, model.graph));
  w.message(ModelProto.opsetImport, (o) => {
    o.string(OperatorSetIdProto.domain, ''); // "" is the standard ai.onnx domain
    o.int(OperatorSetIdProto.version, model.opsetVersion);
  });
  return w;
}

function writeGraph(w: ProtoWriter, graph: OnnxGraph): void {
  for (const node of graph.nodes) w.message(GraphProto.node, (n) => writeNode(n, node));
  w.string(GraphProto.name, graph.name);
  for (const tensor of graph.initializers) w.message(GraphProto.initializer, (t) => writeTensor(t, tensor));
  if (graph.docString) w.string(GraphProto.docString, graph.docString);
  for (const input of graph.inputs) w.message(GraphProto.input, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(GraphProto.output, (v) => writeValueInfo(v, output));
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.string(NodeProto.input, input);
  for (const output of node.outputs) w.string(NodeProto.output, output);
  w.string(NodeProto.name, node.name);
  w.string(NodeProto.opType, node.opType);
  for (const [name, attribute] of Object.entries(node.attributes)) {
    w.message(NodeProto.attribute, (a) => writeAttribute(a, name, attribute));
  }
}

function writeAttribute(w: ProtoWriter, name: string, attribute: OnnxAttribute): void {
  w.string(AttributeProto.name, name);
  switch (attribute.type) {
    case 'int':
      w.int(AttributeProto.type, AttributeType.INT);
      w.int(AttributeProto.i, attribute.value);
      break;
    case 'float':
      w.int(AttributeProto.type, AttributeType.FLOAT);
      w.float(AttributeProto.f, attribute.value);
      break;
    case 'ints':
      w.int(AttributeProto.type, AttributeType.INTS);
      w.packedInts(AttributeProto.ints, attribute.value);
      break;
    case 'tensor':
      w.int(AttributeProto.type, AttributeType.TENSOR);
      w.message(AttributeProto.t, (t) => writeTensor(t, attribute.value));
      break;
  }
}

function writeTensor(w: ProtoWriter, tensor: OnnxTensor): void {
  w.packedInts(TensorProto.dims, tensor.dims);
  w.int(TensorProto.dataType, DATA_TYPE[tensor.elementType]);
  w.string(TensorProto.name, tensor.name);
  w.bytes(TensorProto.rawData, tensor.rawData);
}

function writeValueInfo(w: ProtoWriter, value: OnnxValueInfo): void {
  w.string(ValueInfoProto.name, value.name);
  w.message(ValueInfoProto.type, (type) =>
    type.message(TypeProto.tensorType, (tensorType) => {
      tensorType.int(TypeProtoTensor.elemType, DATA_TYPE[value.elementType]);
      tensorType.message(TypeProtoTensor.shape, (shape) => {
        for (const dim of value.dims) {
          shape.message(TensorShapeProto.dim, (d) => (typeof dim === 'number' ? d.int(Dimension.dimValue, dim) : d.string(Dimension.dimParam, dim)));
        }
      });
    }),
  );
}
