/// <reference types="jest" />
/**
 * The behaviour both buses promise, as one suite: `busContract(label, factory)` registers it for
 * a bus implementation (see memory-bus.spec.ts and redis-bus.int-spec.ts). Each repository's part
 * lives in `contract/`.
 */
import { alertsContract } from './contract/alerts.contract';
import { auditContract } from './contract/audit.contract';
import { commandsContract } from './contract/commands.contract';
import {
  CapturingLogger,
  HEARTBEAT_TTL_MS,
  TEST_RETENTION,
  type ContractContext,
  type ContractFactory,
  type ContractFixture,
} from './contract/contract-context';
import { eventsContract } from './contract/events.contract';
import { exitsContract } from './contract/exits.contract';
import { followerContract } from './contract/follower.contract';
import { hostsContract } from './contract/hosts.contract';
import { leasesContract } from './contract/leases.contract';
import { loginsContract } from './contract/logins.contract';
import { logsContract } from './contract/logs.contract';
import { originsContract } from './contract/origins.contract';
import { searchContract } from './contract/search.contract';
import { presenceContract } from './contract/presence.contract';
import { pinsContract } from './contract/pins.contract';
import { retentionContract } from './contract/retention.contract';
import { snapshotsContract } from './contract/snapshots.contract';
import { statsContract } from './contract/stats.contract';
import type { StreamFollower } from './ports';

export type {
  ContractFactory,
  ContractFixture,
  ContractOptions,
  RawAccess,
} from './contract/contract-context';

export function busContract(label: string, factory: ContractFactory): void {
  describe(`${label}: bus contract`, () => {
    const logger = new CapturingLogger();
    let fixture: ContractFixture | undefined;
    const run = Math.random().toString(36).slice(2, 8);
    let hosts = 0;
    const followers: StreamFollower[] = [];
    const opened = (): ContractFixture => {
      if (!fixture) throw new Error('the bus fixture is created in beforeAll');
      return fixture;
    };
    const ctx: ContractContext = {
      get bus() {
        return opened().bus;
      },
      get raw() {
        return opened().raw;
      },
      logger,
      newHost: () => `h-${run}-${++hosts}`,
      follow: (onEntries) => {
        const follower = opened().bus.follower(onEntries);
        followers.push(follower);
        return follower;
      },
    };

    beforeAll(async () => {
      fixture = await factory({
        logger,
        heartbeatTtlMs: HEARTBEAT_TTL_MS,
        retention: TEST_RETENTION,
      });
    });
    afterEach(async () => {
      await Promise.all(followers.splice(0).map((f) => f.close()));
    });
    afterAll(async () => {
      await fixture?.close();
    });

    it('answers ping', async () => {
      await expect(ctx.bus.ping()).resolves.toBeUndefined();
    });

    hostsContract(ctx);
    snapshotsContract(ctx);
    eventsContract(ctx);
    logsContract(ctx);
    statsContract(ctx);
    retentionContract(ctx);
    leasesContract(ctx);
    commandsContract(ctx);
    followerContract(ctx);
    originsContract(ctx);
    loginsContract(ctx);
    auditContract(ctx);
    alertsContract(ctx);
    exitsContract(ctx);
    searchContract(ctx);
    presenceContract(ctx);
    pinsContract(ctx);
  });
}
