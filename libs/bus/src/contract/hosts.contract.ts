/// <reference types="jest" />
import { RedisKeys } from '@flotilla/contracts';
import type { HostTrackOptions } from '../ports';
import { HEARTBEAT_TTL_MS, waitFor, type ContractContext } from './contract-context';
import { sampleHost } from '../../testing/samples';

export function hostsContract(ctx: ContractContext): void {
  describe('hosts', () => {
    const trackers: (() => Promise<void>)[] = [];
    /** A host tracker (what a gateway runs), stopped after the test. */
    const track = async (options?: HostTrackOptions): Promise<void> => {
      trackers.push(await ctx.bus.hosts.track(options));
    };
    const listed = async (): Promise<string[]> =>
      (await ctx.bus.hosts.list()).map((h) => h.host_id);
    afterEach(async () => {
      await Promise.all(trackers.splice(0).map((stop) => stop()));
    });

    it('lists announced hosts, online while their heartbeat lives', async () => {
      await track();
      const [a, b] = [ctx.newHost(), ctx.newHost()];
      await ctx.bus.hosts.announce(sampleHost(a));
      await ctx.bus.hosts.announce(sampleHost(b));
      await ctx.bus.hosts.beat(a);
      await waitFor(async () => (await listed()).includes(a) && (await listed()).includes(b));
      // Beaten again just before reading: waiting for the tracker may have outlasted the TTL.
      await ctx.bus.hosts.beat(a);
      const byId = new Map((await ctx.bus.hosts.list()).map((h) => [h.host_id, h]));
      expect(byId.get(a)).toMatchObject({ host_id: a, online: true, agent_version: '0.1.0' });
      expect(Date.parse(byId.get(a)?.last_seen ?? '')).not.toBeNaN();
      expect(byId.get(b)).toMatchObject({ online: false, last_seen: null });
      expect(await ctx.bus.hosts.get(a)).toEqual(byId.get(a));
      expect(await ctx.bus.hosts.get(ctx.newHost())).toBeNull();
    });

    it('shows a host offline once its heartbeat expires', async () => {
      const host = ctx.newHost();
      await ctx.bus.hosts.announce(sampleHost(host));
      await ctx.bus.hosts.beat(host);
      expect((await ctx.bus.hosts.get(host))?.online).toBe(true);
      await waitFor(async () => (await ctx.bus.hosts.get(host))?.online === false, {
        timeoutMs: HEARTBEAT_TTL_MS * 4,
        message: 'heartbeat expiry',
      });
    });

    it('marks a host offline at once and says so on its event stream', async () => {
      const host = ctx.newHost();
      const info = sampleHost(host);
      await ctx.bus.hosts.announce(info);
      await ctx.bus.hosts.beat(host);
      await ctx.bus.hosts.markOffline(info);
      expect(await ctx.bus.hosts.get(host)).toMatchObject({ online: false, last_seen: null });
      const events = await ctx.bus.events.range(host, '0-0', 10);
      expect(events.map((e) => e.value)).toEqual([
        { v: 1, type: 'host', host: info, online: false },
      ]);
    });

    it('skips and reports a corrupt host info', async () => {
      const [good, bad] = [ctx.newHost(), ctx.newHost()];
      await ctx.bus.hosts.announce(sampleHost(good));
      await ctx.bus.hosts.announce(sampleHost(bad));
      await ctx.raw.set(RedisKeys.hostInfo(bad), '{"host_id":');
      expect(await ctx.bus.hosts.get(bad)).toBeNull();
      await track();
      const ids = await listed();
      expect(ids).toContain(good);
      expect(ids).not.toContain(bad);
      expect(ctx.logger.mentions(RedisKeys.hostInfo(bad))).toBe(true);
    });

    it('writes nothing shared when announcing: a tracker started later finds the host at once', async () => {
      const host = ctx.newHost();
      await ctx.bus.hosts.announce(sampleHost(host));
      await ctx.bus.hosts.beat(host);
      expect(await ctx.bus.hosts.get(host)).toMatchObject({ host_id: host, online: true });
      expect(await listed()).not.toContain(host);
      const met: string[] = [];
      await track({ onHost: (id) => met.push(id) });
      expect(await listed()).toContain(host);
      expect(met).toContain(host);
    });

    it('adds a host as soon as it announces itself, and names it to onHost once', async () => {
      const met: string[] = [];
      await track({ onHost: (id) => met.push(id) });
      const host = ctx.newHost();
      await ctx.bus.hosts.announce(sampleHost(host));
      await waitFor(() => met.includes(host), { timeoutMs: 2_000, message: 'announcement heard' });
      expect(await listed()).toContain(host);
      const other = ctx.newHost();
      await ctx.bus.hosts.beat(host);
      await ctx.bus.hosts.beat(host);
      await ctx.bus.hosts.beat(other);
      await waitFor(() => met.includes(other), { timeoutMs: 2_000, message: 'a beat heard' });
      expect(met.filter((id) => id === host)).toEqual([host]);
    });

    it('finds by rescanning a host whose announcement no tracker heard', async () => {
      await track({ rescanMs: 50 });
      const host = ctx.newHost();
      // As if announced while the tracker's subscription was down: the info key alone.
      await ctx.raw.set(RedisKeys.hostInfo(host), JSON.stringify(sampleHost(host)));
      await waitFor(async () => (await listed()).includes(host), {
        timeoutMs: 2_000,
        message: 'rescan',
      });
    });

    it('takes the host id from the channel name, and ignores names that hold none', async () => {
      const met: string[] = [];
      await track({ onHost: (id) => met.push(id) });
      const [host, witness] = [ctx.newHost(), ctx.newHost()];
      await ctx.raw.publish(`${RedisKeys.hostPrefix(host)}x:announce`);
      await ctx.raw.publish(RedisKeys.announce(`${host} `));
      await ctx.raw.publish(RedisKeys.announce(witness));
      await waitFor(() => met.includes(witness), { timeoutMs: 2_000, message: 'witness heard' });
      expect(met.filter((id) => id.startsWith(host))).toEqual([]);
      expect((await listed()).filter((id) => id.startsWith(host))).toEqual([]);
    });
  });
}
