import { loadTokenizer } from '../../tokenizer/index.js';
import { BoundedCache, MAX_CACHED_WORD_LENGTH, detachedSubstring } from '../../tokenizer/wordCache.js';
import { ROBERTA_DIR } from './fixtures.js';
import { seededRandom } from './random.js';

describe('BoundedCache', () => {
  it('never holds more than its capacity and evicts the oldest entry first', () => {
    const cache = new BoundedCache<number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) cache.set(key, i);
    expect(cache.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => cache.get(key))).toEqual([undefined, undefined, 2, 3, 4]);
  });

  it('stores nothing with capacity 0 and rejects a bad capacity', () => {
    const cache = new BoundedCache<number>(0);
    cache.set('a', 1);
    expect(cache.size).toBe(0);
    expect(() => new BoundedCache(-1)).toThrow(RangeError);
    expect(() => new BoundedCache(1.5)).toThrow(RangeError);
  });

  it('copies substrings out of their parent string', () => {
    const text = 'prefix-' + 'x'.repeat(40) + '-suffix';
    expect(detachedSubstring(text, 7, 47)).toBe('x'.repeat(40));
    expect(detachedSubstring('a😀b', 1, 3)).toBe('😀');
  });
});

describe('the tokenizer word cache', () => {
  it('stays within its capacity over a stream of new words, with unchanged results', async () => {
    const capacity = 50;
    const cached = await loadTokenizer(ROBERTA_DIR, { cacheCapacity: capacity });
    const uncached = await loadTokenizer(ROBERTA_DIR, { cacheCapacity: 0 });
    const random = seededRandom(11);
    for (let i = 0; i < 100; i++) {
      // 20 fresh words per text, with repeats so that cache hits happen too.
      const words = Array.from({ length: 20 }, () => Array.from({ length: 3 + Math.floor(random() * 8) }, () => 'abcdefghij'[Math.floor(random() * 10)]).join(''));
      const text = [...words, ...words.slice(0, 5)].join(' ');
      expect(cached.encode(text).ids).toEqual(uncached.encode(text).ids);
      expect(cached.cacheSize).toBeLessThanOrEqual(capacity);
    }
    expect(cached.cacheSize).toBe(capacity);
    expect(uncached.cacheSize).toBe(0);
  });

  it('does not cache words longer than MAX_CACHED_WORD_LENGTH', async () => {
    const tokenizer = await loadTokenizer(ROBERTA_DIR);
    tokenizer.encode('a'.repeat(MAX_CACHED_WORD_LENGTH + 1));
    expect(tokenizer.cacheSize).toBe(0);
    tokenizer.encode('a'.repeat(MAX_CACHED_WORD_LENGTH));
    expect(tokenizer.cacheSize).toBe(1);
  });
});
