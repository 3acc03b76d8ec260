// Choosing a backend. Only the CPU backend is registered here (not the package entry point's
// set), plus a fake `wasm` factory this file controls.

import { disposeBackends, getBackend, getBackendByName, ops, registerBackend, registeredBackends, selectBackend, setBackend, type Backend, type BackendName } from '../kernels/engine.js';
import { DeviceDouble } from './deviceDouble.js';

const CPU_LINE = 'cpu: TypeScript reference kernels (single thread)';

describe('backend selection', () => {
  afterAll(() => disposeBackends());

  it('gives the requested backend with a one-line report', async () => {
    const { backend, report } = await selectBackend('cpu');
    expect(backend.name).toBe('cpu');
    expect(report).toEqual({ requested: 'cpu', chosen: 'cpu', lines: [`cpu: requested (${CPU_LINE})`] });
  });

  it('creates each backend once, so tensors made by default and on the selected backend mix', async () => {
    const { backend } = await selectBackend('cpu');
    expect(await getBackendByName('cpu')).toBe(backend);
    expect(getBackend()).toBe(backend);
    const sum = ops.add(ops.tensor([1]), ops.tensor([2], [1], 'float32', backend));
    expect(await sum.array()).toEqual([3]);
  });

  it('names an unknown backend and lists the registered ones', async () => {
    await expect(getBackendByName('tpu' as BackendName)).rejects.toThrow('backend "tpu" is not available in this build (registered: cpu)');
    await expect(selectBackend('gpujs')).rejects.toThrow('backend "gpujs" is not available in this build (registered: cpu)');
  });

  it('with auto, tries backends by priority and says why each was passed over', async () => {
    let state: 'unavailable' | 'degraded' = 'unavailable';
    registerBackend({
      name: 'wasm',
      priority: 10,
      create: () => {
        if (state === 'unavailable') throw new Error('no wasm here');
        return Object.assign(new DeviceDouble(), { degraded: 'runs on a software emulator' });
      },
    });
    expect(registeredBackends()).toEqual(['wasm', 'cpu']);

    const first = await selectBackend('auto');
    expect(first.backend.name).toBe('cpu');
    expect(first.report).toEqual({ requested: 'auto', chosen: 'cpu', lines: ['wasm: unavailable: no wasm here', `cpu: chosen (${CPU_LINE})`] });

    state = 'degraded';
    const second = await selectBackend('auto');
    expect(second.report.lines).toEqual(['wasm: skipped: runs on a software emulator', `cpu: chosen (${CPU_LINE})`]);

    // Asked for by name, a degraded backend is still given.
    expect((await selectBackend('wasm')).backend.name).toBe('wasm');
  });

  it('creates new tensors on the backend set last', async () => {
    const device = new DeviceDouble();
    const cpu = getBackend();
    setBackend(device);
    try {
      expect(ops.tensor([1]).backend).toBe(device);
    } finally {
      setBackend(cpu);
    }
    expect(ops.tensor([1]).backend).toBe(cpu);
  });

  it('disposes every backend it created, and starts afresh afterwards', async () => {
    const wasm = (await getBackendByName('wasm')) as Backend & { disposed: boolean };
    const cpu = getBackend();
    await disposeBackends();
    expect(wasm.disposed).toBe(true);
    expect(getBackend()).not.toBe(cpu);
  });
});
