// The exported file read back with the test's own protobuf decoder and onnx.proto's field numbers
// (written out here, not taken from model/onnx/onnxProto.ts), plus the exporter's refusals.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportOnnx } from '../../../model/onnx/export.js';
import { GraphBuilder, OnnxSizeError, PROTOBUF_MAX_BYTES } from '../../../model/onnx/graphBuilder.js';
import { MissingWeightError } from '../../../model/parameters.js';
import { makeTempDir } from '../../tempDir.js';
import { fixtureDir } from '../fixtureModels.js';
import { ProtoMessage } from './protoDecoder.js';
import { fixtureTensors, writeVariant } from './variantModels.js';

// onnx.proto field numbers.
const MODEL = { irVersion: 1, producerName: 2, graph: 7, opsetImport: 8 };
const OPSET = { domain: 1, version: 2 };
const GRAPH = { node: 1, name: 2, initializer: 5, input: 11, output: 12 };
const NODE = { input: 1, output: 2, opType: 4, domain: 7 };
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9 };
const VALUE_INFO = { name: 1, type: 2 };
const FLOAT = 1n;
const INT64 = 7n;

const tmp = makeTempDir('onnx-export');

function valueInfo(m: ProtoMessage): { name: string; elemType: bigint; dims: (string | number)[] } {
  const tensorType = m.message(VALUE_INFO.type).message(1); // TypeProto.tensor_type
  const dims = tensorType
    .message(2) // TypeProto.Tensor.shape
    .messages(1) // TensorShapeProto.dim
    .map((d) => (d.has(2) ? d.string(2) : Number(d.int(1)))); // dim_param or dim_value
  return { name: m.string(VALUE_INFO.name), elemType: tensorType.int(1), dims };
}

describe('export-onnx: the file, decoded', () => {
  it('tiny-mlm: IR 8, opset 17, int64 inputs with dynamic axes, weights stored once as raw little-endian float32', async () => {
    const file = join(tmp, 'tiny-mlm.onnx');
    const result = await exportOnnx(fixtureDir('tiny-mlm'), file);
    const bytes = readFileSync(file);
    expect(result.bytes).toBe(bytes.byteLength);

    const model = new ProtoMessage(bytes);
    expect(model.int(MODEL.irVersion)).toBe(8n);
    expect(model.string(MODEL.producerName)).toBe('roberta-ts');
    const [opset] = model.messages(MODEL.opsetImport);
    expect([opset.string(OPSET.domain), opset.int(OPSET.version)]).toEqual(['', 17n]);

    const graph = model.message(MODEL.graph);
    expect(graph.string(GRAPH.name)).toBe('RobertaForMaskedLM');
    expect(graph.messages(GRAPH.input).map(valueInfo)).toEqual([
      { name: 'input_ids', elemType: INT64, dims: ['batch', 'sequence'] },
      { name: 'attention_mask', elemType: INT64, dims: ['batch', 'sequence'] },
    ]);
    expect(graph.messages(GRAPH.output).map(valueInfo)).toEqual([
      { name: 'last_hidden_state', elemType: FLOAT, dims: ['batch', 'sequence', 32] },
      { name: 'logits', elemType: FLOAT, dims: ['batch', 'sequence', 1000] },
    ]);

    const nodes = graph.messages(GRAPH.node);
    expect(nodes.length).toBe(result.nodes);
    // Standard operators only (no custom domain).
    expect(nodes.every((n) => !n.has(NODE.domain))).toBe(true);
    const opTypes = new Set(nodes.map((n) => n.string(NODE.opType)));
    expect([...opTypes].sort()).toEqual(
      ['Add', 'Cast', 'ConstantOfShape', 'CumSum', 'Div', 'Equal', 'Erf', 'Gather', 'Identity', 'LayerNormalization', 'MatMul', 'Mul', 'Not', 'Reshape', 'Shape', 'Softmax', 'Sub', 'Transpose', 'Unsqueeze'].sort(),
    );

    const initializers = graph.messages(GRAPH.initializer);
    expect(initializers.length).toBe(result.initializers);
    const names = initializers.map((t) => t.string(TENSOR.name));
    expect(new Set(names).size).toBe(names.length);
    // The tied decoder reads the word embeddings through a Transpose node: the table is stored once.
    expect(names.filter((n) => n.includes('word_embeddings') || n.includes('decoder'))).toEqual(['roberta.embeddings.word_embeddings.weight']);
    const transpose = nodes.find((n) => n.string(NODE.opType) === 'Transpose' && n.strings(NODE.input)[0] === 'roberta.embeddings.word_embeddings.weight');
    expect(transpose).toBeDefined();

    const words = initializers[names.indexOf('roberta.embeddings.word_embeddings.weight')];
    expect(words.ints(TENSOR.dims)).toEqual([1000n, 32n]);
    expect(words.int(TENSOR.dataType)).toBe(FLOAT);
    const raw = words.bytes(TENSOR.rawData);
    const stored = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    expect(stored).toEqual(fixtureTensors('tiny-mlm').get('roberta.embeddings.word_embeddings.weight')!.data);

    // A linear weight is stored transposed, [in, out]: element [i, o] is PyTorch's [o, i].
    const query = initializers[names.indexOf('roberta.encoder.layer.0.attention.self.query.weight.T')];
    const q = query.bytes(TENSOR.rawData);
    const qT = new Float32Array(q.buffer.slice(q.byteOffset, q.byteOffset + q.byteLength));
    const qTorch = fixtureTensors('tiny-mlm').get('roberta.encoder.layer.0.attention.self.query.weight')!.data;
    expect([qT[3 * 32 + 5], qT[31 * 32 + 0]]).toEqual([qTorch[5 * 32 + 3], qTorch[0 * 32 + 31]]);
  });

  it('optional outputs and the token_type_ids input appear only when asked for', async () => {
    const file = join(tmp, 'tiny-all.onnx');
    await exportOnnx(fixtureDir('tiny'), file, { tokenTypeIds: true, hiddenStates: true, attentions: true });
    const graph = new ProtoMessage(readFileSync(file)).message(MODEL.graph);
    expect(graph.messages(GRAPH.input).map((v) => valueInfo(v).name)).toEqual(['input_ids', 'attention_mask', 'token_type_ids']);
    expect(graph.messages(GRAPH.output).map((v) => valueInfo(v).name)).toEqual([
      'last_hidden_state',
      'pooler_output',
      'hidden_states.0',
      'hidden_states.1',
      'hidden_states.2',
      'attentions.0',
      'attentions.1',
    ]);
  });
});

describe('export-onnx: refusals', () => {
  it('a missing weight names the tensor and its expected shape', async () => {
    const dir = writeVariant('tiny', { tensors: (t) => t.delete('encoder.layer.1.output.dense.bias') });
    const attempt = exportOnnx(dir, join(tmp, 'missing.onnx'));
    await expect(attempt).rejects.toThrow(MissingWeightError);
    await expect(attempt).rejects.toThrow('missing tensor "encoder.layer.1.output.dense.bias" (expected shape [32], float32)');
  });

  it('a misshaped weight names both shapes', async () => {
    const dir = writeVariant('tiny-cls', {
      tensors: (t) => t.set('classifier.out_proj.bias', { dtype: 'float32', shape: [3], data: new Float32Array(3) }),
    });
    await expect(exportOnnx(dir, join(tmp, 'misshaped.onnx'))).rejects.toThrow('tensor "classifier.out_proj.bias" has shape [3], expected [4]');
  });

  it('an architecture we do not implement is named, with the supported ones', async () => {
    const dir = writeVariant('tiny', { config: { architectures: ['RobertaForCausalLM'] } });
    await expect(exportOnnx(dir, join(tmp, 'arch.onnx'))).rejects.toThrow(
      'config.architectures names RobertaForCausalLM; supported: RobertaModel, RobertaForSequenceClassification, RobertaForMaskedLM, ' +
        'RobertaForTokenClassification, RobertaForQuestionAnswering, RobertaForMultipleChoice',
    );
  });

  it('weights beyond what one protobuf message can hold are refused before anything is encoded', () => {
    expect(PROTOBUF_MAX_BYTES).toBe(2147483647);
    const builder = new GraphBuilder(1000); // the real limit is 2 GiB − 1; a small one shows the check
    builder.initializer('a', [200], new Float32Array(200)); // 800 bytes: fine
    expect(() => builder.initializer('b', [100], new Float32Array(100))).toThrow(OnnxSizeError);
    expect(() => new GraphBuilder(1000).initializer('big', [300], new Float32Array(300))).toThrow(
      'the weights up to "big" take 1,200 bytes: more than 1,000 bytes, the most one protobuf message (a single .onnx file) can hold. ' +
        'Models this large need ONNX external data (weights in side files), which this exporter does not write.',
    );
  });

  it('the graph builder refuses a name twice and data that does not fit the shape', () => {
    const builder = new GraphBuilder();
    builder.input('x', 'float32', ['batch']);
    expect(() => builder.initializer('x', [1], new Float32Array(1))).toThrow('the name "x" is already taken');
    expect(() => builder.initializer('w', [2, 3], new Float32Array(5))).toThrow('ONNX tensor "w": shape [2, 3] has 6 elements, data has 5');
  });
});
