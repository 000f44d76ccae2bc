import { busContract } from './bus.contract';
import { createMemoryBusOn } from './memory/memory-bus';
import { MemoryStore } from './memory/memory-store';

busContract('memory', ({ logger, heartbeatTtlMs, retention }) => {
  const store = new MemoryStore();
  const bus = createMemoryBusOn(store, { logger, heartbeatTtlMs, retention });
  return Promise.resolve({
    bus,
    raw: {
      set: (key, value) => Promise.resolve(store.set(key, value)),
      hset: (key, field, value) => Promise.resolve(void store.hash(key).set(field, value)),
      xadd: (key, id, fields) =>
        Promise.resolve(store.xadd(key, id, fields, Number.MAX_SAFE_INTEGER)),
      publish: (channel) => Promise.resolve(store.publish(channel)),
    },
    close: () => bus.close(),
  });
});
