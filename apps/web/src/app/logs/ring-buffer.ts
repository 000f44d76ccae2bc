/**
 * A fixed-capacity buffer: pushing past capacity drops the oldest items. Index 0 is the oldest
 * item kept. Constant-time push and indexed access, so 100,000 log lines cost one array.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  private droppedTotal = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Items dropped from the front since the buffer was made. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Adds an item; returns the item it pushed out, if the buffer was full. */
  push(item: T): T | undefined {
    const tail = (this.head + this.count) % this.capacity;
    if (this.count < this.capacity) {
      this.items[tail] = item;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.head];
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    this.droppedTotal++;
    return evicted;
  }

  /** Adds items in order; returns how many old items were pushed out. */
  pushAll(items: readonly T[]): number {
    const before = this.droppedTotal;
    for (const item of items) this.push(item);
    return this.droppedTotal - before;
  }

  /** The item at `index` (0 = oldest kept); undefined outside 0..length-1. */
  get(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) % this.capacity];
  }

  first(): T | undefined {
    return this.get(0);
  }

  last(): T | undefined {
    return this.get(this.count - 1);
  }

  /** Items from `start` (inclusive) to `end` (exclusive), oldest first; negative counts from the end. */
  slice(start = 0, end = this.count): T[] {
    const from = Math.max(0, start < 0 ? this.count + start : Math.min(start, this.count));
    const to = Math.max(from, end < 0 ? this.count + end : Math.min(end, this.count));
    const out = new Array<T>(to - from);
    for (let i = from; i < to; i++)
      out[i - from] = this.items[(this.head + i) % this.capacity] as T;
    return out;
  }

  toArray(): T[] {
    return this.slice();
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  *[Symbol.iterator](): Iterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.capacity] as T;
  }
}
