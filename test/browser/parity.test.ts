// The bundle in headless Chromium: every fixture model, loaded from a URL folder, matches Hugging
// Face's outputs (every hidden state, attention and head output, max |Δ| ≤ 1e-4) on each of the
// four backends (gpujs in gpu.js's WebGL2 mode, and in its webasm mode made with
// createGpujsBackend), through the same contract a page uses (fromPretrained, forward, data()). The
// page is cross-origin isolated, so the wasm backend runs on worker threads (its kernels built with
// relaxed SIMD, which Chromium has since 114); a second page without
// isolation checks its one-thread fallback, and says so in its report.

import { FIXTURE_MODELS, fixtureDir, fixtureInputs, type FixtureModel } from '../model/fixtureModels.js';
import { expectMatchesHuggingFace, type ComparableOutput } from '../model/modelParity.js';
import { servedPath, TestPage, type ForwardResult } from './page.js';

function comparable(result: ForwardResult): Map<string, ComparableOutput> {
  return new Map(Object.entries(result.outputs).map(([name, { shape, data }]) => [name, { shape, data: async () => data }]));
}

async function expectParity(page: TestPage, name: FixtureModel, backend: string): Promise<ForwardResult> {
  const result = await page.forward({ source: `${page.server.url}${servedPath(fixtureDir(name))}`, backend, inputs: fixtureInputs(name) });
  const layers = result.counts.attentions;
  expect(result.counts.hiddenStates).toBe(layers + 1);
  await expectMatchesHuggingFace(name, comparable(result), true, layers);
  return result;
}

describe('bundle in Chromium, cross-origin isolated: fixture models match Hugging Face (max |Δ| ≤ 1e-4)', () => {
  let page: TestPage;
  beforeAll(async () => {
    page = await TestPage.open({ crossOriginIsolated: true });
  });
  afterAll(() => page?.close());

  it('the page is cross-origin isolated and has WebGPU', async () => {
    expect(await page.run('return [crossOriginIsolated, !!(await navigator.gpu?.requestAdapter())];')).toEqual([true, true]);
  });

  it('the bundle exports the public API', async () => {
    const api = ['fromPretrained', 'pipeline', 'AutoTokenizer', 'AutoModel', 'ops', 'tidy', 'selectBackend', 'registeredBackends', 'namedOutputs', 'HubError'];
    expect(await page.run<string[]>('return Object.keys(R);')).toEqual(expect.arrayContaining(api));
    expect(await page.run<string[]>('return R.registeredBackends();')).toEqual(['webgpu', 'wasm', 'gpujs', 'cpu']);
  });

  it('auto picks as in Node and says why: WebGPU on SwiftShader is skipped as a software adapter, wasm is chosen', async () => {
    const result = await expectParity(page, 'tiny', 'auto');
    expect(result.selection?.chosen).toBe('wasm');
    expect(result.selection?.lines).toEqual([
      expect.stringMatching(/^webgpu: skipped: software adapter \(.*\): WebGPU runs on the CPU here, no faster than the cpu backend$/),
      expect.stringMatching(/^wasm: chosen \(wasm: WebAssembly relaxed SIMD kernels, \d+ threads \(Web Workers/),
    ]);
  });

  const reports: Record<string, RegExp> = {
    cpu: /^cpu: requested/,
    wasm: /^wasm: requested \(wasm: WebAssembly relaxed SIMD kernels, \d+ threads \(Web Workers \(the page is cross-origin isolated\)\)/,
    webgpu: /^webgpu: requested \(webgpu: WGSL kernels on /,
    gpujs: /^gpujs: requested \(gpujs: gpu\.js 2\.24\.1 kernels, webgl2 mode, chosen by gpu\.js \(WebGL, results read back after each kernel\)\)$/,
  };
  for (const [backend, report] of Object.entries(reports)) {
    it(`${backend}: every model, every output`, async () => {
      for (const name of FIXTURE_MODELS) {
        const result = await expectParity(page, name, backend);
        expect(result.selection?.chosen).toBe(backend);
        expect(result.selection?.lines[0]).toMatch(report);
      }
    });
  }

  it("gpujs in gpu.js's webasm mode (its own workers, from Blob URLs): every model, every output", async () => {
    for (const name of FIXTURE_MODELS) {
      const result = await expectParity(page, name, 'gpujs:webasm');
      expect(result.description).toMatch(/^gpujs: gpu\.js 2\.24\.1 kernels, webasm mode \(WebAssembly SIMD, \d+ worker threads\)$/);
    }
  });
});

describe('bundle in Chromium, not cross-origin isolated', () => {
  let page: TestPage;
  beforeAll(async () => {
    page = await TestPage.open({ crossOriginIsolated: false });
  });
  afterAll(() => page?.close());

  it('wasm falls back to one thread, says why, and still matches Hugging Face', async () => {
    const result = await expectParity(page, 'tiny-cls', 'wasm');
    expect(result.selection?.lines).toEqual([
      'wasm: requested (wasm: WebAssembly relaxed SIMD kernels, one thread: the page is not cross-origin isolated, so it cannot share memory with workers; other ops on the TypeScript reference kernels)',
    ]);
  });

  it("gpujs in gpu.js's webasm mode works there too", async () => {
    const result = await expectParity(page, 'tiny-cls', 'gpujs:webasm');
    expect(result.description).toMatch(/^gpujs: gpu\.js 2\.24\.1 kernels, webasm mode /);
  });
});
