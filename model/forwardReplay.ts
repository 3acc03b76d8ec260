// A model's forward pass, recorded once per input shape and replayed (engine/recording.ts): the
// same outputs as `model.forward`, with the host work of deciding ~100 kernels done once instead of
// on every call. Optional, for inference at a few fixed shapes (a benchmark, a server padding to
// fixed lengths): each recording keeps the intermediate buffers of one forward of its shape
// (≈ 10 MB for roberta-base at 1 × 128), until `dispose`.
//
//   const replay = new ForwardReplay(model);   // model on a backend that records (webgpu)
//   const out = replay.forward(inputs);        // records [batch, seq] the first time, replays after
//
// Replays never go stale on values: ids, mask and token types are the recorded work's inputs, and
// everything the forward computes from them (positions, the additive mask) is computed by kernels.
// They do go stale on the model: dispose the replay before the model, and record again after a
// change to its weights.

import { canRecord, Recording, RecordingUnsupportedError } from '../engine/recording.js';
import type { Tensor } from '../engine/tensor.js';
import { checkInputs, flattenChoices, type ModelInputs } from './inputs.js';
import { outputTensors, RobertaForMultipleChoice, type AnyRobertaModel, type ForwardOptions, type RobertaOutput } from './roberta.js';

/** A forward's outputs with `f` applied to each tensor, in the same structure. */
function mapOutput(out: RobertaOutput, f: (t: Tensor) => Tensor): RobertaOutput {
  const mapped: Record<string, Tensor | Tensor[] | undefined> = {};
  for (const [field, value] of Object.entries(out) as [string, Tensor | Tensor[] | undefined][]) {
    mapped[field] = value === undefined ? undefined : Array.isArray(value) ? value.map(f) : f(value);
  }
  return mapped as unknown as RobertaOutput;
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
}

interface ShapeRecording {
  readonly recording: Recording;
  /** The recorded forward's output, as a structure: its (disposed) tensors stand for output i. */
  readonly template: RobertaOutput;
  readonly index: ReadonlyMap<Tensor, number>;
}

export class ForwardReplay {
  private readonly recordings = new Map<string, ShapeRecording>();
  private disposed = false;

  constructor(readonly model: AnyRobertaModel) {
    if (!canRecord(model.backend)) throw new RecordingUnsupportedError(`ForwardReplay: the ${model.backend.name} backend cannot record a forward (webgpu can); call model.forward`);
  }

  /** How many shapes (with their output options) have been recorded. */
  get recordedShapes(): number {
    return this.recordings.size;
  }

  /** `model.forward(inputs, options)`, replayed when this shape and these options were recorded before. */
  forward(inputs: ModelInputs, options: ForwardOptions = {}): RobertaOutput {
    if (this.disposed) throw new ReplayError('ForwardReplay: forward after dispose');
    if (this.model.mode.training) {
      throw new ReplayError('ForwardReplay runs inference only: in training mode dropout draws new masks on every call (call model.train(false))');
    }
    const rows = this.model instanceof RobertaForMultipleChoice ? flattenChoices(inputs).rows : inputs;
    const host = checkInputs(rows, this.model.config);
    const data = [host.inputIds, host.attentionMask, host.tokenTypeIds];
    const key = [host.batch, host.seq, options.outputHiddenStates ?? false, options.outputAttentions ?? false].join();
    const known = this.recordings.get(key);
    if (known) {
      const fresh = known.recording.replay(data);
      return mapOutput(known.template, (t) => fresh[known.index.get(t)!]);
    }
    let template: RobertaOutput | undefined;
    const { recording, outputs } = Recording.record(this.model.backend, data, () => {
      template = this.model.forward(inputs, options);
      return outputTensors(template);
    });
    const recorded = template!;
    const index = new Map(outputTensors(recorded).map((t, i) => [t, i]));
    this.recordings.set(key, { recording, template: recorded, index });
    return mapOutput(recorded, (t) => outputs[index.get(t)!]);
  }

  /** Releases every recording's buffers; outputs already returned stay valid. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const { recording } of this.recordings.values()) recording.dispose();
    this.recordings.clear();
  }
}
