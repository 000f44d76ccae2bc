/// <reference types="jest" />
import { RedisKeys } from '@flotilla/contracts';
import { LogSequenceError } from '../common/errors';
import type { ContractContext } from './contract-context';
import { containerId, logLines } from '../../testing/samples';

export function logsContract(ctx: ContractContext): void {
  describe('logs', () => {
    const cid = containerId(7);

    it('stores a batch as entry <seq of its last line>-0 with its lines and stderr indexes', async () => {
      const host = ctx.newHost();
      const entry = await ctx.bus.logs.append(host, cid, 1, {
        lines: ['T1 one', 'T2 two', 'T3 three'],
        stderr: [1],
        lastTimestamp: 'T3',
      });
      const expected = {
        id: '3-0',
        seq: 3,
        n: 3,
        text: 'T1 one\nT2 two\nT3 three\n',
        stderr: [1],
        lastTimestamp: 'T3',
      };
      expect(entry).toEqual(expected);
      expect(await ctx.bus.logs.last(host, cid)).toEqual(expected);
      expect(await ctx.bus.logs.first(host, cid)).toEqual(expected);
      const next = await ctx.bus.logs.append(host, cid, 4, {
        lines: ['T4 four'],
        stderr: [],
        lastTimestamp: 'T4',
      });
      expect(next).toMatchObject({ id: '4-0', seq: 4, n: 1, stderr: [] });
      expect((await ctx.bus.logs.first(host, cid))?.id).toBe('3-0');
      expect((await ctx.bus.logs.last(host, cid))?.id).toBe('4-0');
    });

    it('has no first or last entry before the first append', async () => {
      const host = ctx.newHost();
      expect(await ctx.bus.logs.first(host, cid)).toBeNull();
      expect(await ctx.bus.logs.last(host, cid)).toBeNull();
      expect(await ctx.bus.logs.tail(host, cid, 10)).toEqual([]);
    });

    it('refuses a batch whose id is not above the newest, naming the newest id', async () => {
      const host = ctx.newHost();
      await ctx.bus.logs.append(host, cid, 1, {
        lines: logLines(1, 5),
        stderr: [],
        lastTimestamp: 't',
      });
      const same = ctx.bus.logs.append(host, cid, 1, {
        lines: logLines(1, 5),
        stderr: [],
        lastTimestamp: 't',
      });
      await expect(same).rejects.toBeInstanceOf(LogSequenceError);
      await expect(same).rejects.toMatchObject({ id: '5-0', lastId: '5-0' });
      const older = ctx.bus.logs.append(host, cid, 2, {
        lines: logLines(2, 2),
        stderr: [],
        lastTimestamp: 't',
      });
      await expect(older).rejects.toThrow(/not above the newest entry 5-0/);
      expect((await ctx.bus.logs.range(host, cid, '0-0', 10)).map((e) => e.id)).toEqual(['5-0']);
    });

    it('refuses batches readers could not decode', async () => {
      const host = ctx.newHost();
      const noLines = ctx.bus.logs.append(host, cid, 1, {
        lines: [],
        stderr: [],
        lastTimestamp: 't',
      });
      await expect(noLines).rejects.toThrow(/at least one line/);
      const newline = ctx.bus.logs.append(host, cid, 1, {
        lines: ['a\nb'],
        stderr: [],
        lastTimestamp: 't',
      });
      await expect(newline).rejects.toThrow(/must not contain/);
      const badIndex = ctx.bus.logs.append(host, cid, 1, {
        lines: ['a'],
        stderr: [1],
        lastTimestamp: 't',
      });
      await expect(badIndex).rejects.toThrow(/stderr/);
      expect(await ctx.bus.logs.last(host, cid)).toBeNull();
    });

    it('ranges after an exclusive id, at most count entries', async () => {
      const host = ctx.newHost();
      for (let seq = 1; seq <= 10; seq += 2) {
        await ctx.bus.logs.append(host, cid, seq, {
          lines: logLines(seq, 2),
          stderr: [],
          lastTimestamp: 't',
        });
      }
      expect((await ctx.bus.logs.range(host, cid, '0-0', 100)).map((e) => e.id)).toEqual([
        '2-0',
        '4-0',
        '6-0',
        '8-0',
        '10-0',
      ]);
      expect((await ctx.bus.logs.range(host, cid, '4-0', 2)).map((e) => e.id)).toEqual([
        '6-0',
        '8-0',
      ]);
      // A cursor between entries (a client that saw line 5 of batch 6-0) resumes at that batch.
      expect((await ctx.bus.logs.range(host, cid, '5-0', 1)).map((e) => e.id)).toEqual(['6-0']);
      expect(await ctx.bus.logs.range(host, cid, '10-0', 5)).toEqual([]);
    });

    it('tails the newest entries covering at least the asked lines', async () => {
      const host = ctx.newHost();
      for (let seq = 1; seq <= 15; seq += 3) {
        await ctx.bus.logs.append(host, cid, seq, {
          lines: logLines(seq, 3),
          stderr: [0],
          lastTimestamp: 't',
        });
      }
      const ids = async (lines: number): Promise<string[]> =>
        (await ctx.bus.logs.tail(host, cid, lines)).map((e) => e.id);
      expect(await ids(4)).toEqual(['12-0', '15-0']);
      expect(await ids(3)).toEqual(['15-0']);
      expect(await ids(6)).toEqual(['12-0', '15-0']);
      expect(await ids(100)).toEqual(['3-0', '6-0', '9-0', '12-0', '15-0']);
      expect(await ids(0)).toEqual([]);
    });

    it('tails across many entries', async () => {
      const host = ctx.newHost();
      await Promise.all(
        Array.from({ length: 250 }, (_, i) =>
          ctx.bus.logs.append(host, cid, i + 1, {
            lines: logLines(i + 1, 1),
            stderr: [],
            lastTimestamp: 't',
          }),
        ),
      );
      const tail = await ctx.bus.logs.tail(host, cid, 230);
      expect(tail).toHaveLength(230);
      expect(tail[0].id).toBe('21-0');
      expect(tail[229].id).toBe('250-0');
      // Paging back: only entries older than `before`, across the backwards pages.
      const earlier = await ctx.bus.logs.tail(host, cid, 150, '200-0');
      expect(earlier).toHaveLength(150);
      expect(earlier[0].id).toBe('50-0');
      expect(earlier[149].id).toBe('199-0');
      expect((await ctx.bus.logs.tail(host, cid, 10, '3-0')).map((e) => e.id)).toEqual([
        '1-0',
        '2-0',
      ]);
      expect(await ctx.bus.logs.tail(host, cid, 10, '1-0')).toEqual([]);
    });

    it('skips and reports a corrupt batch', async () => {
      const host = ctx.newHost();
      const key = RedisKeys.logs(host, cid);
      await ctx.bus.logs.append(host, cid, 1, { lines: ['a'], stderr: [], lastTimestamp: 't' });
      await ctx.raw.xadd(key, '3-0', { l: 'b\n', n: '2', e: '', t: 't' });
      await ctx.bus.logs.append(host, cid, 4, { lines: ['d'], stderr: [], lastTimestamp: 't' });
      expect((await ctx.bus.logs.range(host, cid, '0-0', 10)).map((e) => e.id)).toEqual([
        '1-0',
        '4-0',
      ]);
      expect((await ctx.bus.logs.tail(host, cid, 2)).map((e) => e.id)).toEqual(['1-0', '4-0']);
      expect(ctx.logger.mentions(`3-0 of ${key}`)).toBe(true);
    });
  });
}
