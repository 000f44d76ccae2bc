import type { LogBatch } from '@flotilla/bus';
import { waitFor } from '@flotilla/testing';
import { BatcherStopped, LogBatcher } from './log-batcher';

const options = { maxLines: 3, maxBytes: 1_000, lingerMs: 10, highWaterBytes: 100 };

describe('LogBatcher', () => {
  it('writes lines after the linger time, in one batch with stderr indexes and the last timestamp', async () => {
    const written: LogBatch[] = [];
    const batcher = new LogBatcher(
      (b) => Promise.resolve(void written.push(b)),
      () => undefined,
      { ...options, maxLines: 100 },
    );
    batcher.add('t1 a', false, 't1');
    batcher.add('t2 b', true, 't2');
    expect(written).toEqual([]);
    await waitFor(() => written.length === 1, { timeoutMs: 1_000 });
    expect(written[0]).toEqual({ lines: ['t1 a', 't2 b'], stderr: [1], lastTimestamp: 't2' });
  });

  it('cuts batches at the line cap and keeps their order while one write is slow', async () => {
    const written: string[][] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const batcher = new LogBatcher(
      async (b) => {
        if (written.length === 0) await gate;
        written.push(b.lines);
      },
      () => undefined,
      { ...options, highWaterBytes: 1e9 },
    );
    for (let i = 1; i <= 10; i++) batcher.add(`L${i}`, false, `t${i}`);
    release();
    await batcher.drain();
    expect(written).toEqual([['L1', 'L2', 'L3'], ['L4', 'L5', 'L6'], ['L7', 'L8', 'L9'], ['L10']]);
    expect(batcher.bufferedBytes).toBe(0);
  });

  it('cuts batches at the size cap', async () => {
    const written: string[][] = [];
    const batcher = new LogBatcher(
      (b) => Promise.resolve(void written.push(b.lines)),
      () => undefined,
      {
        ...options,
        maxLines: 100,
        maxBytes: 10,
        highWaterBytes: 1e9,
      },
    );
    batcher.add('12345678', false, 't');
    batcher.add('abc', false, 't');
    batcher.add('d', false, 't');
    await batcher.drain();
    expect(written).toEqual([['12345678', 'abc'], ['d']]);
  });

  it('asks to pause above the high-water mark and to resume once half is written', async () => {
    const pressure: boolean[] = [];
    let release: () => void = () => undefined;
    let gate = new Promise<void>((r) => (release = r));
    const batcher = new LogBatcher(
      async () => {
        await gate;
      },
      (pause) => pressure.push(pause),
      { ...options, maxLines: 2, highWaterBytes: 60 },
    );
    for (let i = 0; i < 8; i++) batcher.add('x'.repeat(9), false, 't'); // 10 characters each with the newline
    expect(pressure).toEqual([true]);
    expect(batcher.bufferedBytes).toBe(80);
    release();
    gate = Promise.resolve();
    await batcher.drain();
    expect(pressure).toEqual([true, false]);
  });

  it('drops what is left when the writer stops, and still answers drain', async () => {
    let calls = 0;
    const batcher = new LogBatcher(
      () => {
        calls++;
        return Promise.reject(new BatcherStopped());
      },
      () => undefined,
      options,
    );
    for (let i = 0; i < 7; i++) batcher.add('y', false, 't');
    await batcher.drain();
    expect(calls).toBe(1);
    expect(batcher.bufferedBytes).toBe(0);
  });
});
