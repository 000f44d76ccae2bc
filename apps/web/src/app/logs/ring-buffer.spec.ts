import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps items in order below capacity', () => {
    const ring = new RingBuffer<number>(5);
    ring.pushAll([1, 2, 3]);
    expect(ring.length).toBe(3);
    expect(ring.toArray()).toEqual([1, 2, 3]);
    expect(ring.first()).toBe(1);
    expect(ring.last()).toBe(3);
    expect(ring.dropped).toBe(0);
  });

  it('drops the oldest items past capacity and says which', () => {
    const ring = new RingBuffer<number>(3);
    ring.pushAll([1, 2, 3]);
    expect(ring.push(4)).toBe(1);
    expect(ring.pushAll([5, 6])).toBe(2);
    expect(ring.length).toBe(3);
    expect(ring.toArray()).toEqual([4, 5, 6]);
    expect(ring.dropped).toBe(3);
  });

  it('indexes from the oldest kept item across the wrap', () => {
    const ring = new RingBuffer<string>(4);
    ring.pushAll(['a', 'b', 'c', 'd', 'e', 'f']);
    expect([0, 1, 2, 3].map((i) => ring.get(i))).toEqual(['c', 'd', 'e', 'f']);
    expect(ring.get(4)).toBeUndefined();
    expect(ring.get(-1)).toBeUndefined();
    expect(ring.get(1.5)).toBeUndefined();
  });

  it('slices like an array, negative indexes from the end', () => {
    const ring = new RingBuffer<number>(4);
    ring.pushAll([1, 2, 3, 4, 5, 6]);
    expect(ring.slice(1, 3)).toEqual([4, 5]);
    expect(ring.slice(-2)).toEqual([5, 6]);
    expect(ring.slice(2, 99)).toEqual([5, 6]);
    expect(ring.slice(3, 1)).toEqual([]);
    expect([...ring]).toEqual([3, 4, 5, 6]);
  });

  it('holds 100,000 lines and stays bounded at 250,000 pushed', () => {
    const ring = new RingBuffer<number>(100_000);
    for (let i = 0; i < 250_000; i++) ring.push(i);
    expect(ring.length).toBe(100_000);
    expect(ring.first()).toBe(150_000);
    expect(ring.last()).toBe(249_999);
    expect(ring.get(50_000)).toBe(200_000);
  });

  it('empties on clear', () => {
    const ring = new RingBuffer<number>(2);
    ring.pushAll([1, 2, 3]);
    ring.clear();
    expect(ring.length).toBe(0);
    expect(ring.first()).toBeUndefined();
    ring.push(9);
    expect(ring.toArray()).toEqual([9]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(2.5)).toThrow(RangeError);
  });
});
