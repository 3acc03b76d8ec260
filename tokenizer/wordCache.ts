// A size-bounded string-keyed cache. Natural text repeats a small set of words, so caching each
// word's BPE result makes the merge loop rare; the bound keeps memory flat over an endless
// stream of new words. Eviction is first-in-first-out (a Map iterates in insertion order), which
// keeps a cache hit to a single Map lookup.

/** Words longer than this (in UTF-16 code units) are not cached: they are rare and costly to keep. */
export const MAX_CACHED_WORD_LENGTH = 64;

export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`cache capacity must be a non-negative integer, got ${capacity}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Insert, evicting the oldest entry when full. */
  set(key: string, value: V): void {
    if (this.capacity === 0) return;
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }
}

/**
 * A copy of `text[from, to)` that shares no memory with `text`. V8 represents a substring of 13+
 * units as a view into its parent, so caching `text.slice(…)` would keep every input alive.
 */
export function detachedSubstring(text: string, from: number, to: number): string {
  const units = new Array<number>(to - from);
  for (let i = from; i < to; i++) units[i - from] = text.charCodeAt(i);
  return String.fromCharCode(...units);
}
