/// <reference types="jest" />
import { TEST_RETENTION, type ContractContext } from './contract-context';
import { containerId, sampleStats } from '../../testing/samples';

const KIB = 1024;

export function retentionContract(ctx: ContractContext): void {
  describe('retention in bytes', () => {
    /** Appends `batches` entries of one `lineBytes`-long line each, numbered from `from`. */
    async function flood(host: string, n: number, batches: number, lineBytes: number, from = 1) {
      for (let i = 0; i < batches; i++) {
        const seq = from + i;
        await ctx.bus.logs.append(host, containerId(n), seq, {
          lines: [`T${seq} ${'x'.repeat(lineBytes)}`],
          stderr: [],
          lastTimestamp: `T${seq}`,
        });
      }
    }

    it("caps a container's log in bytes, dropping its oldest entries", async () => {
      const host = ctx.newHost();
      // 1 MiB of 8 KiB lines into a 256 KiB cap.
      await flood(host, 1, 128, 8 * KIB);
      const usage = await ctx.bus.retention.usage(host);
      const held = usage.containers[containerId(1)];
      expect(held).toBeLessThanOrEqual(TEST_RETENTION.containerBytes);
      expect(held).toBeGreaterThan(TEST_RETENTION.containerBytes * 0.85);
      expect(usage.total).toBe(held);
      // What is kept is the newest, contiguous, and as many lines as the count says.
      const first = await ctx.bus.logs.first(host, containerId(1));
      const kept = await ctx.bus.logs.range(host, containerId(1), '0-0', 1_000);
      expect(kept[kept.length - 1].id).toBe('128-0');
      expect(kept.map((e) => e.seq)).toEqual(
        Array.from({ length: kept.length }, (_, i) => (first?.seq ?? 0) + i),
      );
      expect(kept.length).toBeLessThan(40);
    });

    it('never trims the newest entry, however large', async () => {
      const host = ctx.newHost();
      await flood(host, 2, 1, 300 * KIB);
      expect((await ctx.bus.logs.last(host, containerId(2)))?.id).toBe('1-0');
      await flood(host, 2, 1, 300 * KIB, 2);
      expect((await ctx.bus.logs.range(host, containerId(2), '0-0', 10)).map((e) => e.id)).toEqual([
        '2-0',
      ]);
    });

    it('caps a host in bytes, taking from its largest streams first', async () => {
      const host = ctx.newHost();
      // Six logs of 200 KiB each (under the container cap), then a small one: 1.2 MiB > 1 MiB.
      for (let n = 1; n <= 6; n++) await flood(host, n, 25, 8 * KIB);
      await flood(host, 7, 2, 1 * KIB);
      const usage = await ctx.bus.retention.usage(host);
      expect(usage.total).toBeLessThanOrEqual(TEST_RETENTION.hostBytes);
      const sum = Object.values(usage.containers).reduce((a, b) => a + b, 0);
      expect(sum).toBe(usage.total);
      // The small log was not touched; every log still has its newest entry.
      expect((await ctx.bus.logs.first(host, containerId(7)))?.id).toBe('1-0');
      for (let n = 1; n <= 7; n++)
        expect((await ctx.bus.logs.last(host, containerId(n)))?.seq).toBe(n === 7 ? 2 : 25);
    });

    it("counts stats samples too, and drops a container's streams and bytes", async () => {
      const host = ctx.newHost();
      await flood(host, 3, 3, 1 * KIB);
      await flood(host, 4, 3, 1 * KIB);
      for (let i = 0; i < 3; i++) await ctx.bus.stats.append(sampleStats(host, 3, i));
      const before = await ctx.bus.retention.usage(host);
      expect(before.containers[containerId(3)]).toBeGreaterThan(before.containers[containerId(4)]);

      await ctx.bus.retention.drop(host, containerId(3));
      expect(await ctx.bus.logs.last(host, containerId(3))).toBeNull();
      expect(await ctx.bus.stats.latest(host, containerId(3), 10)).toEqual([]);
      const after = await ctx.bus.retention.usage(host);
      expect(after.containers).toEqual({ [containerId(4)]: before.containers[containerId(4)] });
      expect(after.total).toBe(before.containers[containerId(4)]);
      // A later log of the same id starts afresh.
      await flood(host, 3, 1, 10);
      expect((await ctx.bus.logs.last(host, containerId(3)))?.id).toBe('1-0');
    });
  });
}
