import { Batcher } from './batcher';

describe('Batcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('hands a flood of items over in one flush', () => {
    const flushes: number[][] = [];
    const batcher = new Batcher<number>((items) => flushes.push(items), 10);
    for (let i = 0; i < 5_000; i++) batcher.push(i);
    expect(flushes).toHaveLength(0);
    jest.advanceTimersByTime(10);
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toHaveLength(5_000);
    expect(flushes[0]?.[0]).toBe(0);
    expect(flushes[0]?.[4_999]).toBe(4_999);
  });

  it('flushes at most once per interval, whatever the rate', () => {
    const flushes: number[][] = [];
    const batcher = new Batcher<number>((items) => flushes.push(items), 10);
    for (let ms = 0; ms < 100; ms++) {
      batcher.push(ms);
      batcher.push(ms);
      jest.advanceTimersByTime(1);
    }
    jest.advanceTimersByTime(10);
    expect(flushes).toHaveLength(10);
    expect(flushes.flat()).toHaveLength(200);
  });

  it('does not flush when nothing came', () => {
    const sink = jest.fn();
    const batcher = new Batcher<number>(sink, 10);
    jest.advanceTimersByTime(100);
    batcher.flush();
    expect(sink).not.toHaveBeenCalled();
  });

  it('flushes early on demand and then waits for new items', () => {
    const sink = jest.fn();
    const batcher = new Batcher<string>(sink, 10);
    batcher.push('a');
    batcher.flush();
    expect(sink).toHaveBeenCalledWith(['a']);
    jest.advanceTimersByTime(50);
    expect(sink).toHaveBeenCalledTimes(1);
  });

  it('drops pending items when disposed', () => {
    const sink = jest.fn();
    const batcher = new Batcher<string>(sink, 10);
    batcher.push('a');
    batcher.dispose();
    jest.advanceTimersByTime(50);
    expect(sink).not.toHaveBeenCalled();
    expect(batcher.size).toBe(0);
  });
});
