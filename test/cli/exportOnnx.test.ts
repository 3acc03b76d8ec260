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
    expect(verbose.stderr).toContain('RobertaModel, opset 17');
  });

  it('--out is required', async () => {
    await expect(run(['--model', fixtureDir('tiny')])).rejects.toThrow(UsageError);
    await expect(run(['--model', fixtureDir('tiny')])).rejects.toThrow('--out is required');
  });

  it('a directory without a model config is an error naming config.json', async () => {
    await expect(run(['--model', tmp, '--out', join(tmp, 'x.onnx')])).rejects.toThrow(`${join(tmp, 'config.json')}: cannot read the model config`);
  });
});
