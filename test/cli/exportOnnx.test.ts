// `roberta export-onnx` (cli/exportOnnx.ts), run directly with captured streams.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseArgs } from '../../cli/args.js';
import { UsageError, type CommandIO } from '../../cli/command.js';
import { exportOnnxCommand } from '../../cli/exportOnnx.js';
import { fixtureDir } from '../model/fixtureModels.js';
import { ProtoMessage } from '../model/onnx/protoDecoder.js';
import { makeTempDir } from '../tempDir.js';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const io: CommandIO = { stdout, stderr, stdin: new PassThrough(), stderrIsTTY: false };
  const code = await exportOnnxCommand.run(parseArgs(argv, exportOnnxCommand.flags), io);
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const tmp = makeTempDir('onnx-cli');

describe('roberta export-onnx', () => {
  it('writes the file and reports its size, nodes and initializers', async () => {
    const out = join(tmp, 'tiny-cls.onnx');
    const result = await run(['--model', fixtureDir('tiny-cls'), '--out', out]);
    const bytes = readFileSync(out);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const graph = new ProtoMessage(bytes).message(7); // ModelProto.graph
    expect(graph.string(2)).toBe('RobertaForSequenceClassification'); // GraphProto.name
    const nodes = graph.all(1).length; // GraphProto.node
    const initializers = graph.all(5).length; // GraphProto.initializer
    expect(result.stderr).toBe(`wrote ${out}: ${bytes.byteLength.toLocaleString('en-US')} bytes, ${nodes} nodes, ${initializers} initializers\n`);
  });

  it('--quiet prints nothing; --verbose lists the weights read and the unused ones', async () => {
    expect(await run(['--model', fixtureDir('tiny'), '--out', join(tmp, 'q.onnx'), '--quiet'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const verbose = await run(['--model', fixtureDir('tiny'), '--out', join(tmp, 'v.onnx'), '--verbose', '--token-type-ids']);
    expect(verbose.stderr).toContain('weights: safetensors (');
    expect(verbose.stderr).toContain('RobertaModel fp32, opset 17');
  });

  it('--dtype q8 writes MatMulInteger nodes; a dtype the export does not write is a usage error naming it', async () => {
    const out = join(tmp, 'tiny-q8.onnx');
    const result = await run(['--model', fixtureDir('tiny'), '--out', out, '--dtype', 'q8', '--verbose']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('RobertaModel q8, opset 17');
    const nodes = new ProtoMessage(readFileSync(out)).message(7).messages(1); // ModelProto.graph, GraphProto.node
    expect(nodes.filter((n) => n.string(4) === 'MatMulInteger').length).toBe(2 * 6 + 1); // 2 layers × 6 linears + the pooler
    await expect(run(['--model', fixtureDir('tiny'), '--out', out, '--dtype', 'fp16'])).rejects.toThrow(new UsageError('--dtype must be fp32 or q8 (the ONNX export writes no fp16), got "fp16"'));
  });

  it('--out is required', async () => {
    await expect(run(['--model', fixtureDir('tiny')])).rejects.toThrow(UsageError);
    await expect(run(['--model', fixtureDir('tiny')])).rejects.toThrow('--out is required');
  });

  it('a directory without a model config is an error naming config.json', async () => {
    await expect(run(['--model', tmp, '--out', join(tmp, 'x.onnx')])).rejects.toThrow(`${join(tmp, 'config.json')}: cannot read the model config`);
  });
});
