import Redis from 'ioredis';
import {
  FLEET_EVENT_FIELD,
  RedisKeys,
  STREAM_CAPS,
  fleetEventSchema,
  parseJson,
  type FleetEvent,
} from '@flotilla/contracts';
import { sampleContainer } from '@flotilla/contracts/testing';
import { startRedis, type RedisHandle } from '@flotilla/testing';

jest.setTimeout(20_000);

const HOST = 'host-a';

const containerEvent: FleetEvent = {
  v: 1,
  type: 'container',
  container: sampleContainer({
    container_id: 'ab'.repeat(32),
    host_id: HOST,
    labels: { 'flotilla.test': 'contracts' },
  }),
};

describe('a fleet event through a real Redis stream', () => {
  let redis: RedisHandle;
  let client: Redis;
  const key = RedisKeys.events(HOST);

  beforeAll(async () => {
    redis = await startRedis();
    client = new Redis(redis.url);
  });

  afterAll(async () => {
    client.disconnect();
    await redis.close();
  });

  /** XADDs `payload` as the event field, reads it back with XRANGE and returns its text. */
  const roundTrip = async (payload: string): Promise<string> => {
    const id = await client.xadd(
      key,
      'MAXLEN',
      '~',
      STREAM_CAPS.events,
      '*',
      FLEET_EVENT_FIELD,
      payload,
    );
    const [[readId, fields]] = await client.xrange(key, id ?? '-', '+');
    expect(readId).toBe(id);
    const value = fields[fields.indexOf(FLEET_EVENT_FIELD) + 1];
    expect(typeof value).toBe('string');
    return value;
  };

  it('reads back a valid event unchanged and accepted by the contract', async () => {
    const parsed = parseJson(fleetEventSchema, await roundTrip(JSON.stringify(containerEvent)));
    expect(parsed).toEqual({ ok: true, value: containerEvent });
  });

  it('rejects a corrupted entry with a readable reason', async () => {
    const corrupted = JSON.stringify({
      ...containerEvent,
      container: { ...containerEvent.container, container_id: 'not-an-id', state: 'sleeping' },
    });
    const parsed = parseJson(fleetEventSchema, await roundTrip(corrupted));
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(/^container\./);

    const truncated = JSON.stringify(containerEvent).slice(0, 40);
    expect(parseJson(fleetEventSchema, await roundTrip(truncated))).toEqual({
      ok: false,
      error: 'not valid JSON',
    });
  });
});
