// Run by relaxedSimd.test.ts in a child `node --experimental-wasm-relaxed-simd` (Node 20 has relaxed
// SIMD only behind that flag): builds the wasm backend both ways from dist/ and prints, as one JSON
// line, what each reports and its outputs for the cases read from stdin, with the CPU reference's.
import { getBackendByName, ops } from '../../../../dist/index.js';
import '../../../../dist/kernels/wasm/register.js';
import { WasmBackend } from '../../../../dist/kernels/wasm/backend.js';
import { hasRelaxedSimd } from '../../../../dist/kernels/wasm/features.js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const cases = JSON.parse(Buffer.concat(chunks).toString());
const cpu = await getBackendByName('cpu');

async function outputs(backend) {
  const results = [];
  for (const c of cases) {
    const tensors = c.inputs.map((i) => ops.tensor(Float32Array.from(i.data), i.shape, 'float32', backend));
    const y = c.op === 'linear' ? ops.linear(tensors[0], tensors[1], tensors[2], c.activation ?? null) : c.op === 'matmul' ? ops.matmul(tensors[0], tensors[1], { transposeB: true }) : ops.softmax(tensors[0]);
    results.push(Array.from(await y.data()));
  }
  return results;
}

const report = { detected: hasRelaxedSimd(), cpu: await outputs(cpu), backends: {} };
// As the environment given says, then the SIMD-128 path forced by the override.
for (const [name, env] of [['default', undefined], ['override0', '0']]) {
  if (env !== undefined) process.env.ROBERTA_WASM_RELAXED = env;
  const backend = await WasmBackend.create({ threads: 2 });
  report.backends[name] = { description: backend.description, paths: backend.kernelPaths(), outputs: await outputs(backend) };
  await backend.dispose();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
