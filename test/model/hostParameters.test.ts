import { HostParameters } from '../../model/hostParameters.js';
import { decodedTensor, type CheckpointTensor, type HostDType } from '../../model/weights/hostTensor.js';

const t = (n: number): CheckpointTensor => decodedTensor({ dtype: 'float32', shape: [n], data: new Float32Array(n) });

/** A tensor that counts how often its elements are read. */
function counted(dtype: HostDType, shape: number[]): CheckpointTensor & { reads: number } {
  const tensor = {
    dtype,
    shape,
    reads: 0,
    read() {
      tensor.reads++;
      return dtype === 'float32' ? new Float32Array(shape[0]!) : new Int32Array(shape[0]!);
    },
  };
  return tensor;
}

describe('HostParameters', () => {
  it('finds names with or without the roberta. prefix and reports what was never asked for', () => {
    const params = new HostParameters(new Map([['roberta.a', t(2)], ['b', t(3)], ['c', t(1)]]), 'test');
    expect(params.get('a', [2]).key).toBe('roberta.a');
    expect(params.get('b', [3]).key).toBe('b');
    expect(() => params.get('b', [4])).toThrow('test: tensor "b" has shape [3], expected [4]');
    expect(params.unusedKeys()).toEqual(['c']);
  });

  it('checks presence, shape and type from the header alone, and reads only what it hands out', () => {
    const tensors = { a: counted('float32', [2]), ids: counted('int32', [2]), unused: counted('float32', [5]) };
    const params = new HostParameters(new Map(Object.entries(tensors)), 'test');
    expect(params.has('a')).toBe(true);
    expect(() => params.get('a', [3])).toThrow('test: tensor "a" has shape [2], expected [3]');
    expect(() => params.get('ids', [2])).toThrow('test: tensor "ids" is int32, expected a floating-point tensor');
    expect([tensors.a.reads, tensors.ids.reads]).toEqual([0, 0]);
    expect(params.get('a', [2]).data).toEqual(new Float32Array(2));
    expect([tensors.a.reads, tensors.ids.reads, tensors.unused.reads]).toEqual([1, 0, 0]);
  });

  it('lookup() makes the same checks and marks the key used, but reads nothing: the caller reads or streams it', () => {
    const tensors = { 'roberta.a': counted('float32', [2]), ids: counted('int32', [2]), unused: counted('float32', [5]) };
    const params = new HostParameters(new Map(Object.entries(tensors)), 'test');
    expect(() => params.lookup('a', [3])).toThrow('test: tensor "roberta.a" has shape [2], expected [3]');
    expect(() => params.lookup('ids', [2])).toThrow('test: tensor "ids" is int32, expected a floating-point tensor');
    expect(() => params.lookup('b', [2])).toThrow('test: missing tensor "b" (expected shape [2], float32)');
    const found = params.lookup('a', [2]);
    expect(found.key).toBe('roberta.a');
    expect(found.tensor).toBe(tensors['roberta.a']);
    expect([tensors['roberta.a'].reads, tensors.ids.reads]).toEqual([0, 0]);
    expect(params.unusedKeys()).toEqual(['ids', 'unused']);
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
