// What the browser tests run inside the page: the bundle, used exactly as a page would use it.
// Results come back as plain JSON (arrays of numbers) for the test to compare in Node.
import * as R from '/dist/browser/roberta.js';

/** gpu.js backends by mode, made once per page as the registered backends are. */
const gpujsBackends = new Map();

/**
 * Loads `source` on `backend` (a backend's name, or `gpujs:MODE` for gpu.js in that mode), runs
 * one forward with every hidden state and attention, and returns every named output.
 */
export async function forward({ source, backend, inputs, options = {} }) {
  const log = [];
  const [name, mode] = backend.split(':');
  if (mode && !gpujsBackends.has(mode)) gpujsBackends.set(mode, await R.createGpujsBackend({ mode }));
  const model = await R.fromPretrained(source, { backend: mode ? gpujsBackends.get(mode) : name, log: (line) => log.push(line), ...options });
  const out = model.forward(
    { inputIds: inputs.input_ids, attentionMask: inputs.attention_mask },
    { outputHiddenStates: true, outputAttentions: true },
  );
  const outputs = {};
  for (const [name, tensor] of R.namedOutputs(out)) outputs[name] = { shape: tensor.shape, data: Array.from(await tensor.data()) };
  const counts = { hiddenStates: out.hiddenStates.length, attentions: out.attentions.length };
  R.disposeOutput(out);
  model.dispose();
  return { outputs, counts, log, selection: model.selection, description: model.backend.description };
}

export { R };
