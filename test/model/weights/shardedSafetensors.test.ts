import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../../../model/weights/errors.js';
import { parseSafetensors, safetensorsTensors } from '../../../model/weights/safetensors.js';
import { encodeSafetensors, type SafetensorsWriteTensor } from '../../../model/weights/safetensorsWriter.js';
import { readShardedSafetensors } from '../../../model/weights/shardedSafetensors.js';
import { makeTempDir } from '../../tempDir.js';
import { readFixture, sameBits } from './fixtures.js';

const weights = safetensorsTensors(parseSafetensors(readFixture('tiny', 'model.safetensors'), 'tiny'));
const names = [...weights.keys()];
const writable = (keys: readonly string[]): Record<string, SafetensorsWriteTensor> =>
  Object.fromEntries(keys.map((key) => [key, { dtype: 'F32', shape: weights.get(key)!.shape, data: weights.get(key)!.data }]));

const dir = makeTempDir('sharded');

/** Writes two shards (first half / second half of the tensors) and an index; returns the index path. */
function writeSharded(name: string, weightMap: Record<string, string>, shards = { a: names.slice(0, 20), b: names.slice(20) }): string {
  writeFileSync(join(dir, `${name}-1.safetensors`), encodeSafetensors(writable(shards.a)));
  writeFileSync(join(dir, `${name}-2.safetensors`), encodeSafetensors(writable(shards.b)));
  const index = join(dir, `${name}.index.json`);
  writeFileSync(index, JSON.stringify({ metadata: { total_size: 0 }, weight_map: weightMap }));
  return index;
}

const mapFor = (name: string) => Object.fromEntries(names.map((key, i) => [key, `${name}-${i < 20 ? 1 : 2}.safetensors`]));

async function shardError(index: string): Promise<string> {
  try {
    await readShardedSafetensors(index);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  throw new Error('expected the index to be rejected');
}

describe('sharded safetensors', () => {
  it('loads every tensor from its shard, equal to the single-file weights', async () => {
    const index = writeSharded('ok', mapFor('ok'));
    const { tensors, files } = await readShardedSafetensors(index);
    expect(files).toEqual([index, join(dir, 'ok-1.safetensors'), join(dir, 'ok-2.safetensors')]);
    expect([...tensors.keys()].sort()).toEqual([...names].sort());
    for (const [name, tensor] of weights) {
      expect(tensors.get(name)!.shape).toEqual(tensor.shape);
      expect(sameBits(tensors.get(name)!.read(), tensor.data)).toBe(true);
    }
  });

  it('checks the header of every shard when loading, before any tensor is read', async () => {
    const index = writeSharded('cut', mapFor('cut'));
    const shard = join(dir, 'cut-2.safetensors');
    writeFileSync(shard, readFileSync(shard).subarray(0, -4));
    const message = await shardError(index);
    expect(message.startsWith(`${shard}: tensor "`)).toBe(true);
    expect(message).toMatch(/: data_offsets \[\d+, \d+\] reach past the end of the data area \(\d+ bytes\)$/);
  });

  it('rejects a missing shard', async () => {
    const index = writeSharded('missing', { ...mapFor('missing'), [names[0]!]: 'missing-3.safetensors' });
    expect(await shardError(index)).toBe(`${index}: shard "missing-3.safetensors" (holding "${names[0]}") does not exist`);
  });

  it('rejects a key the index names but the shard lacks, and a shard tensor the index omits', async () => {
    const lacking = writeSharded('lacking', mapFor('lacking'), { a: names.slice(0, 19), b: names.slice(20) });
    expect(await shardError(lacking)).toBe(
      `${lacking}: weight_map puts "${names[19]}" in "lacking-1.safetensors", but that shard has no such tensor`,
    );
    const { [names[5]!]: _omitted, ...partial } = mapFor('extra');
    const extra = writeSharded('extra', partial);
    expect(await shardError(extra)).toBe(`${extra}: shard "extra-1.safetensors" holds tensor "${names[5]}", which the weight_map does not list`);
  });

  it('rejects shard paths outside the directory and malformed index files', async () => {
    const escape = writeSharded('escape', { ...mapFor('escape'), [names[0]!]: '../etc/passwd' });
    expect(await shardError(escape)).toBe(
      `${escape}: weight_map "${names[0]}": shard must be a file name in the same directory, got "../etc/passwd"`,
    );
    const notJson = join(dir, 'broken.index.json');
    writeFileSync(notJson, '{"weight_map": ');
    expect(await shardError(notJson)).toMatch(/broken\.index\.json: not valid JSON \(/);
    const noMap = join(dir, 'nomap.index.json');
    writeFileSync(noMap, '{"metadata": {}}');
    expect(await shardError(noMap)).toBe(`${noMap}: "weight_map" must be an object of tensor name → shard file`);
  });
});
