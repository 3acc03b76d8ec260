// `roberta quantize` writes a folder the other commands load as it is, and `--dtype` on a command
// converts at load: both give the same outputs, and --verbose says which precision ran.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { fixtureDir, fixtureExpected, maxAbsDiff } from '../model/fixtureModels.js';
import { makeTempDir } from '../tempDir.js';
import { runCli } from './runCli.js';

const tmp = makeTempDir('cli-quantize');
const model = fixtureDir('tiny-cls');
const inputs = join(model, 'inputs.json');

function logitsOf(file: string): Float32Array {
  return safetensorsTensors(parseSafetensors(readFileSync(file), file)).get('logits')!.data as Float32Array;
}

describe('roberta quantize', () => {
  it('writes a q8 folder that forward loads as q8, with the outputs of --dtype q8 on the float original', async () => {
    const out = join(tmp, 'q8');
    const quantized = await runCli(['quantize', '--model', model, '--out', out, '--dtype', 'q8']);
    expect(quantized).toMatchObject({ code: 0, stdout: '' });
    expect(quantized.stderr).toMatch(/^wrote .*q8 \(q8\): model\.safetensors [\d,]+ bytes\n$/);
    const fromFolder = await runCli(['forward', '--model', out, '--inputs', inputs, '--out', join(tmp, 'folder.safetensors'), '--verbose']);
    expect(fromFolder.code).toBe(0);
    expect(fromFolder.stderr).toContain('weights dtype: q8, as stored');
    const atLoad = await runCli(['forward', '--model', model, '--inputs', inputs, '--out', join(tmp, 'at-load.safetensors'), '--dtype', 'q8', '--verbose']);
    expect(atLoad.code).toBe(0);
    expect(atLoad.stderr).toContain('weights dtype: q8, converted at load');
    const logits = logitsOf(join(tmp, 'folder.safetensors'));
    expect(Buffer.from(logits.buffer).equals(Buffer.from(logitsOf(join(tmp, 'at-load.safetensors')).buffer))).toBe(true);
    const diff = maxAbsDiff(logits, fixtureExpected('tiny-cls').get('logits')!.data);
    expect(diff).toBeGreaterThan(1e-5); // quantized (measured 5.3e-3; test/model/quantize/accuracy.test.ts bounds it)
    expect(diff).toBeLessThan(0.05);
  });

  it('refuses a --dtype it does not know, with the usage (exit 2)', async () => {
    const bad = await runCli(['quantize', '--model', model, '--out', join(tmp, 'x'), '--dtype', 'int4']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('roberta quantize: --dtype must be q8 or fp16, got "int4"');
    const badForward = await runCli(['forward', '--model', model, '--inputs', inputs, '--out', join(tmp, 'y.safetensors'), '--dtype', 'fp64']);
    expect(badForward.code).toBe(2);
    expect(badForward.stderr).toContain('roberta forward: --dtype must be one of fp32, fp16, q8, got "fp64"');
  });
});
