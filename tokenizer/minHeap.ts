// A binary min-heap of numbers stored in a typed array (no object per entry). BPE keeps the
// ranks of its pending merges here.

export class MinHeap {
  private readonly items: Float64Array;
  private count = 0;

  /**
   * A heap holding `items[0, length)`, built in O(n) (bottom-up heapify). `items.length` is the
   * capacity: the caller sizes it for every push it will make.
   */
  constructor(items: Float64Array, length: number) {
    this.items = items;
    this.count = length;
    for (let i = (length >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.items.length) throw new RangeError(`MinHeap is full (capacity ${this.items.length})`);
    const items = this.items;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (items[parent]! <= value) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = value;
  }

  /** Remove and return the smallest value; the heap must not be empty. */
  pop(): number {
    const items = this.items;
    const top = items[0]!;
    const last = items[--this.count]!;
    if (this.count > 0) {
      items[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  private siftDown(i: number): void {
    const items = this.items;
    const count = this.count;
    const value = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= count) break;
      if (child + 1 < count && items[child + 1]! < items[child]!) child++;
      if (items[child]! >= value) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = value;
  }
}
