import { EventEmitter } from 'node:events';
import { waitFor, waitForEvent } from '@flotilla/testing';

describe('waitFor', () => {
  it('resolves with the first truthy value', async () => {
    let calls = 0;
    await expect(waitFor(() => (++calls >= 3 ? calls : 0), { intervalMs: 1 })).resolves.toBe(3);
  });

  it('times out with the message and the last error', async () => {
    const failing = (): never => {
      throw new Error('not yet');
    };
    await expect(
      waitFor(failing, { timeoutMs: 30, intervalMs: 5, message: 'the moon' }),
    ).rejects.toThrow(/waiting for the moon: last error: not yet/);
  });
});

describe('waitForEvent', () => {
  it('resolves with the event payload and rejects on timeout', async () => {
    const emitter = new EventEmitter();
    const next = waitForEvent<number>(emitter, 'tick');
    emitter.emit('tick', 42);
    await expect(next).resolves.toBe(42);
    await expect(waitForEvent(emitter, 'never', 10)).rejects.toThrow(/"never"/);
    expect(emitter.listenerCount('never')).toBe(0);
  });
});
