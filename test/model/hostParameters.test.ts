import { HostParameters } from '../../model/hostParameters.js';
import type { HostTensor } from '../../model/weights/hostTensor.js';

const t = (n: number): HostTensor => ({ dtype: 'float32', shape: [n], data: new Float32Array(n) });

describe('HostParameters', () => {
  it('finds names with or without the roberta. prefix and reports what was never asked for', () => {
    const params = new HostParameters(new Map([['roberta.a', t(2)], ['b', t(3)], ['c', t(1)]]), 'test');
    expect(params.get('a', [2]).key).toBe('roberta.a');
    expect(params.get('b', [3]).key).toBe('b');
    expect(() => params.get('b', [4])).toThrow('test: tensor "b" has shape [3], expected [4]');
    expect(params.unusedKeys()).toEqual(['c']);
  });

  it('release() lets go of the checkpoint but remembers the unused keys', () => {
    const params = new HostParameters(new Map([['a', t(2)], ['c', t(1)]]), 'test');
    params.get('a', [2]);
    params.release();
    expect(params.unusedKeys()).toEqual(['c']);
    expect(params.has('a')).toBe(false);
    expect(() => params.get('a', [2])).toThrow('test: missing tensor "a"');
  });
});
