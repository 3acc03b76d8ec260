// `roberta forward` writes HF's output names; every tensor must match the fixtures to 1e-4.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSafetensors, safetensorsTensors } from '../../model/weights/safetensors.js';
import { FIXTURE_MODELS, fixtureDir, fixtureExpected, maxAbsDiff } from '../model/fixtureModels.js';
import { makeTempDir } from '../tempDir.js';
import { runCli } from './runCli.js';

const tmp = makeTempDir('cli-forward');

export async function expectForwardParity(backend: string): Promise<void> {
  for (const name of FIXTURE_MODELS) {
    const out = join(tmp, `${name}-${backend}.safetensors`);
    const dir = fixtureDir(name);
    const result = await runCli(['forward', '--model', dir, '--inputs', join(dir, 'inputs.json'), '--out', out, '--backend', backend, '--hidden-states', '--attentions']);
    expect(result.stderr).toContain(`backend ${backend}`);
    expect(result.code).toBe(0);
    const ours = safetensorsTensors(parseSafetensors(readFileSync(out), out));
    const expected = fixtureExpected(name);
    const names = [...expected.keys()].filter((k) => !['input_ids', 'attention_mask', 'position_ids'].includes(k));
    expect([...ours.keys()].sort()).toEqual(names.sort());
    for (const key of names) {
      expect({ key, shape: ours.get(key)!.shape }).toEqual({ key, shape: expected.get(key)!.shape });
      const diff = maxAbsDiff(ours.get(key)!.data, expected.get(key)!.data);
      if (!(diff <= 1e-4)) throw new Error(`${name} on ${backend}: ${key} differs by ${diff}`);
    }
  }
}

describe('roberta forward', () => {
  it('writes every HF output of every fixture model within 1e-4 (cpu)', async () => {
    await expectForwardParity('cpu');
  });

  it('roberta forward --backend gpujs passes the same parity (GPU.js auto mode)', async () => {
    await expectForwardParity('gpujs');
  });

  it('roberta forward --backend wasm passes the same parity (WebAssembly SIMD kernels)', async () => {
    await expectForwardParity('wasm');
  });

  it('roberta forward --backend webgpu passes the same parity (WGSL kernels, SwiftShader without a GPU)', async () => {
    await expectForwardParity('webgpu');
  });

  it('without --hidden-states/--attentions writes only the final outputs', async () => {
    const out = join(tmp, 'final.safetensors');
    const dir = fixtureDir('tiny');
    const result = await runCli(['forward', '--model', dir, '--inputs', join(dir, 'inputs.json'), '--out', out, '--quiet']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect([...safetensorsTensors(parseSafetensors(readFileSync(out), out)).keys()].sort()).toEqual(['last_hidden_state', 'pooler_output']);
  });

  it('bad input: exit 1 with a one-line message, no stack unless --verbose', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ input_ids: [[0, 5000, 2]] }));
    const args = ['forward', '--model', fixtureDir('tiny'), '--inputs', bad, '--out', join(tmp, 'x.safetensors')];
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('roberta forward: input_ids[0][1] = 5000 is out of range: token ids (vocab_size 1000) must be in [0, 999]\n');
    const verbose = await runCli([...args, '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/InputError: input_ids\[0\]\[1\] = 5000[^]*\n\s+at /);
  });

  it('multiple choice: 3-D ids to a model that takes [batch, seq], 2-D ids to a multiple-choice model, exit 1 naming the problem', async () => {
    const choices = join(tmp, 'choices.json');
    writeFileSync(choices, JSON.stringify({ input_ids: [[[0, 5, 2], [0, 6, 2]]] }));
    const toTiny = await runCli(['forward', '--model', fixtureDir('tiny'), '--inputs', choices, '--out', join(tmp, 'z.safetensors')]);
    expect(toTiny).toEqual({ code: 1, stdout: '', stderr: 'roberta forward: input_ids has 3 axes [batch, choices, seq]: only RobertaForMultipleChoice takes choices; this model takes [batch, seq]\n' });
    const rows = join(tmp, 'rows.json');
    writeFileSync(rows, JSON.stringify({ input_ids: [[0, 5, 2]] }));
    const toMc = await runCli(['forward', '--model', fixtureDir('tiny-mc'), '--inputs', rows, '--out', join(tmp, 'z.safetensors')]);
    expect(toMc.code).toBe(1);
    expect(toMc.stderr).toBe("roberta forward: RobertaForMultipleChoice takes input_ids of shape [batch, choices, seq], got [batch, seq]: put each example's choices in an array of their own\n");
  });

  it('inputs that are not JSON, or lack input_ids', async () => {
    const notJson = join(tmp, 'not.json');
    writeFileSync(notJson, '{input_ids: oops');
    const r1 = await runCli(['forward', '--model', fixtureDir('tiny'), '--inputs', notJson, '--out', join(tmp, 'y.safetensors')]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/^roberta forward: .*not\.json is not valid JSON/);
    const noIds = join(tmp, 'noids.json');
    writeFileSync(noIds, '{"attention_mask": [[1]]}');
    const r2 = await runCli(['forward', '--model', fixtureDir('tiny'), '--inputs', noIds, '--out', join(tmp, 'y.safetensors')]);
    expect(r2.stderr).toMatch(/noids\.json has no "input_ids"/);
  });

  it('usage errors exit 2 with the usage', async () => {
    const missing = await runCli(['forward', '--model', fixtureDir('tiny')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('roberta forward: --inputs is required');
    expect(missing.stderr).toContain('Usage:');
    const unknown = await runCli(['forward', '--nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown option "--nope"');
    const backend = await runCli(['forward', '--model', fixtureDir('tiny'), '--inputs', 'x', '--out', 'y', '--backend', 'tpu']);
    expect(backend.code).toBe(2);
    expect(backend.stderr).toMatch(/--backend must be one of auto, .*cpu.*, got "tpu"/);
  });

  it('--help shows usage, options and an example', async () => {
    const help = await runCli(['forward', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('roberta forward --model DIR --inputs FILE.json --out FILE.safetensors');
    expect(help.stdout).toContain('--hidden-states');
    expect(help.stdout).toContain('a multiple-choice model takes 3-D ids [batch, choices, seq]');
    expect(help.stdout).toContain('Examples:');
  });
});
