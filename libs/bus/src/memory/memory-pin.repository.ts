import { RedisKeys, type Pin } from '@flotilla/contracts';
import type { BusLogger } from '../common/logger';
import { encodePin, readPins } from '../common/pin-records';
import type { PinRepository } from '../ports';
import type { MemoryStore } from './memory-store';
import { settle } from './settle';

/** As the Redis one: a hash per container, pin id → JSON pin. */
export class MemoryPinRepository implements PinRepository {
  constructor(
    private readonly store: MemoryStore,
    private readonly logger: BusLogger,
  ) {}

  add(pin: Pin, cap: number): Promise<boolean> {
    return settle(() => {
      const hash = this.store.hash(RedisKeys.pins(pin.host_id, pin.container_id));
      if (hash.size >= cap) return false;
      hash.set(pin.id, encodePin(pin));
      return true;
    });
  }

  remove(hostId: string, containerId: string, pinId: string): Promise<boolean> {
    return settle(() => this.store.hash(RedisKeys.pins(hostId, containerId)).delete(pinId));
  }

  list(hostId: string, containerId: string): Promise<Pin[]> {
    return settle(() =>
      readPins(
        hostId,
        containerId,
        Object.fromEntries(this.store.hash(RedisKeys.pins(hostId, containerId))),
        this.logger,
      ),
    );
  }
}
