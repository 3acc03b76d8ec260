// A forward recorded once and replayed with new inputs (model/forwardReplay.ts on
// kernels/wgsl/recording.ts): every fixture model's replay matches Hugging Face on inputs it was
// not recorded with, equals a fresh forward bit for bit, keeps each replay's results through the
// next, counts its dispatches, and gives its buffers back on dispose.

import '../../../index.js';
import '../../../kernels/wgsl/register.js';
import { ops, tidy } from '../../../engine/index.js';
import { Recording, RecordingUnsupportedError } from '../../../engine/recording.js';
import type { Tensor } from '../../../engine/tensor.js';
import { CpuBackend } from '../../../kernels/cpu/backend.js';
import type { WebGpuBackend } from '../../../kernels/wgsl/backend.js';
import { createWebGpuBackend } from '../../../kernels/wgsl/create.js';
import { ForwardReplay, ReplayError } from '../../../model/forwardReplay.js';
import { fromPretrained } from '../../../model/fromPretrained.js';
import { InputError, type IdMatrix } from '../../../model/inputs.js';
import { disposeOutput, namedOutputs, type AnyRobertaModel, type RobertaOutput } from '../../../model/roberta.js';
import { expectMatchesHuggingFace } from '../../model/modelParity.js';
import { FIXTURE_MODELS, fixtureDir, fixtureInputs, type FixtureModel } from '../../model/fixtureModels.js';

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await createWebGpuBackend();
});
afterAll(async () => {
  await gpu.dispose();
});

const models: AnyRobertaModel[] = [];
async function load(name: FixtureModel): Promise<AnyRobertaModel> {
  const model = await fromPretrained(fixtureDir(name), { backend: gpu });
  models.push(model);
  return model;
}
const replays: ForwardReplay[] = [];
function replayOf(model: AnyRobertaModel): ForwardReplay {
  const replay = new ForwardReplay(model);
  replays.push(replay);
  return replay;
}
afterEach(() => {
  for (const replay of replays.splice(0)) replay.dispose();
  for (const model of models.splice(0)) model.dispose();
});

/** Rows (of ids or of choices) in reverse order: the same shape, other ids, padding in other rows. */
function reversed<T>(rows: readonly T[]): T[] {
  return [...rows].reverse();
}

/** Each output's values, by Hugging Face's name. */
async function values(out: RobertaOutput): Promise<Map<string, number[]>> {
  const named = namedOutputs(out);
  return new Map(await Promise.all([...named].map(async ([name, t]) => [name, Array.from(await t.data())] as const)));
}

describe('ForwardReplay on webgpu', () => {
  for (const name of FIXTURE_MODELS) {
    it(`${name}: recorded on other inputs, replayed on the fixture's, matches Hugging Face and a fresh forward bit for bit`, async () => {
      const model = await load(name);
      const inputs = fixtureInputs(name);
      const fixture = { inputIds: inputs.input_ids, attentionMask: inputs.attention_mask };
      const options = { outputHiddenStates: true, outputAttentions: true };
      const replay = replayOf(model);
      // input_ids reversed with the mask reversed: the recording sees other ids and other padding.
      const recorded = replay.forward({ inputIds: reversed<unknown>(inputs.input_ids) as IdMatrix, attentionMask: reversed<unknown>(inputs.attention_mask) as IdMatrix }, options);
      const replayed = replay.forward(fixture, options);
      expect(replay.recordedShapes).toBe(1);
      await expectMatchesHuggingFace(name, namedOutputs(replayed), true, model.config.numHiddenLayers);
      const fresh = model.forward(fixture, options);
      expect(await values(replayed)).toEqual(await values(fresh));
      for (const out of [recorded, replayed, fresh]) disposeOutput(out);
      replay.dispose();
    });
  }

  it('keeps a replay\'s results through the next one, and two replays in a row (no read between) each see their own inputs', async () => {
    const model = await load('tiny-cls');
    const { input_ids: ids, attention_mask: mask } = fixtureInputs('tiny-cls');
    const a = { inputIds: ids, attentionMask: mask };
    const b = { inputIds: reversed(ids), attentionMask: reversed(mask) };
    const expectedA = await values(model.forward(a));
    const expectedB = await values(model.forward(b));
    expect(expectedA.get('logits')).not.toEqual(expectedB.get('logits'));
    const replay = replayOf(model);
    disposeOutput(replay.forward(b)); // the recording
    const outA = replay.forward(a);
    const outB = replay.forward(b);
    expect(await values(outB)).toEqual(expectedB);
    expect(await values(outA)).toEqual(expectedA);
    disposeOutput(outA);
    disposeOutput(outB);
    replay.dispose();
  });

  it('replays the dispatches a forward records, records each shape once, and gives its buffers back on dispose', async () => {
    const model = await load('tiny');
    const ids = [[0, 5, 6, 7, 2]];
    const before = gpu.memory();
    let count = gpu.dispatchCount;
    disposeOutput(model.forward({ inputIds: ids }));
    const perForward = gpu.dispatchCount - count;
    const replay = replayOf(model);
    disposeOutput(replay.forward({ inputIds: ids }));
    expect(gpu.memory().recordedBytes).toBeGreaterThan(0);
    count = gpu.dispatchCount;
    const out = replay.forward({ inputIds: [[0, 9, 8, 2, 1]], attentionMask: [[1, 1, 1, 1, 0]] });
    expect(gpu.dispatchCount - count).toBe(perForward);
    disposeOutput(replay.forward({ inputIds: [[0, 9, 2]] }));
    expect(replay.recordedShapes).toBe(2);
    expect(gpu.memory().buffers).toBe(before.buffers + 2); // the last hidden state and the pooler output
    disposeOutput(out);
    replay.dispose();
    await gpu.flush();
    expect(gpu.memory()).toMatchObject({ buffers: before.buffers, bytes: before.bytes, recordedBytes: 0 });
    expect(gpu.memory().pooledBytes).toBeGreaterThan(before.pooledBytes ?? 0); // what the recordings held
    expect(() => replay.forward({ inputIds: ids })).toThrow(ReplayError);
  });

  it('refuses training mode, a disposed model, a backend that cannot record; bad ids are still named', async () => {
    const model = await load('tiny');
    const replay = replayOf(model);
    model.train();
    expect(() => replay.forward({ inputIds: [[0, 5, 2]] })).toThrow(/inference only.*dropout/);
    model.train(false);
    disposeOutput(replay.forward({ inputIds: [[0, 5, 2]] }));
    expect(() => replay.forward({ inputIds: [[0, 99999, 2]] })).toThrow(InputError);
    model.dispose();
    models.length = 0;
    expect(() => replay.forward({ inputIds: [[0, 6, 2]] })).toThrow(/was the model disposed\?/);
    replay.dispose();
    const cpu = new CpuBackend();
    const onCpu = await fromPretrained(fixtureDir('tiny'), { backend: cpu });
    expect(() => new ForwardReplay(onCpu)).toThrow(RecordingUnsupportedError);
    onCpu.dispose();
  });

  it('names recorded work whose inputs are not its first uploads, and keeps nothing of it', async () => {
    const before = gpu.memory();
    const run = () => tidy(() => [ops.add(ops.tensor(Int32Array.of(1, 2), [2], 'int32', gpu), 1)]);
    expect(() => Recording.record(gpu, [Int32Array.of(7, 7)], run)).toThrow(/input 0 \(8 bytes\) is not what upload 0 of the recorded work wrote/);
    await gpu.flush();
    expect(gpu.memory()).toMatchObject({ buffers: before.buffers, recordedBytes: 0 });
  });

  it('refuses to read inside a recording', async () => {
    const model = await load('tiny');
    gpu.startRecording();
    const out = model.forward({ inputIds: [[0, 5, 2]] });
    await expect((out.lastHiddenState as Tensor).data()).rejects.toThrow(/read while recording/);
    gpu.abortRecording();
    disposeOutput(out);
    await gpu.flush();
  });
});
