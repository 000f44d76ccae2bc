import { RedisKeys, type Pin } from '@flotilla/contracts';
import type { BusLogger } from '../common/logger';
import { encodePin, readPins } from '../common/pin-records';
import type { PinRepository } from '../ports';
import type { RedisClient } from './connections';

/**
 * Adds a pin unless the hash holds the cap already, in one step: two replicas pinning the last
 * free place at once cannot both store. One key, so it runs on a cluster as well.
 */
const ADD_CAPPED = `if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
return 1`;

/** One hash per container, `RedisKeys.pins`: pin id → JSON pin. */
export class RedisPinRepository implements PinRepository {
  constructor(
    private readonly redis: RedisClient,
    private readonly logger: BusLogger,
  ) {}

  async add(pin: Pin, cap: number): Promise<boolean> {
    const key = RedisKeys.pins(pin.host_id, pin.container_id);
    const added = await this.redis.eval(ADD_CAPPED, 1, key, cap, pin.id, encodePin(pin));
    return added === 1;
  }

  async remove(hostId: string, containerId: string, pinId: string): Promise<boolean> {
    return (await this.redis.hdel(RedisKeys.pins(hostId, containerId), pinId)) === 1;
  }

  async list(hostId: string, containerId: string): Promise<Pin[]> {
    const fields = await this.redis.hgetall(RedisKeys.pins(hostId, containerId));
    return readPins(hostId, containerId, fields, this.logger);
  }
}
