// Benchmark inputs: <s> random ids </s> with a full mask, reproducible, within the model's limits.

import { benchInputs } from '../../bench/inputs.js';

const CONFIG = { vocabSize: 50, bosTokenId: 0, eosTokenId: 2, maxPositionEmbeddings: 20, padTokenId: 1 };

describe('benchInputs', () => {
  it('frames every row with <s> and </s>, draws the rest from [3, vocab), and masks nothing', () => {
    const { inputIds, attentionMask } = benchInputs(CONFIG, 3, 18);
    expect(inputIds).toHaveLength(3);
    for (const row of inputIds) {
      expect(row).toHaveLength(18);
      expect(row[0]).toBe(0);
      expect(row[17]).toBe(2);
      for (const id of row.slice(1, -1)) {
        expect(Number.isInteger(id)).toBe(true);
        expect(id).toBeGreaterThanOrEqual(3);
        expect(id).toBeLessThan(50);
      }
    }
    expect(attentionMask.flat().every((m) => m === 1)).toBe(true);
    expect(new Set(inputIds.flatMap((row) => row.slice(1, -1))).size).toBeGreaterThan(10);
  });

  it('gives the same ids for the same seed and others for another seed', () => {
    expect(benchInputs(CONFIG, 2, 10, 5).inputIds).toEqual(benchInputs(CONFIG, 2, 10, 5).inputIds);
    expect(benchInputs(CONFIG, 2, 10, 5).inputIds).not.toEqual(benchInputs(CONFIG, 2, 10, 6).inputIds);
  });

  it('refuses shapes the model cannot take, naming the limit', () => {
    // Positions start at pad_token_id + 1 = 2, so 20 position embeddings leave room for 18 tokens.
    expect(() => benchInputs(CONFIG, 1, 19)).toThrow(/seq 19 exceeds the model's 18 positions \(max_position_embeddings 20\)/);
    expect(() => benchInputs(CONFIG, 1, 1)).toThrow(/seq must be an integer ≥ 2/);
    expect(() => benchInputs(CONFIG, 0, 8)).toThrow(/batch must be a positive integer, got 0/);
  });
});
