/**
 * The original design's enhancements 3 (permessage-deflate) and 6 (a binary parser), measured
 * on the payloads that weigh: `initial_state` at 20,000 containers (seed form and a view) and a
 * `log_update` of 500 lines. For each: bytes and encode + decode CPU of JSON (what Socket.IO
 * sends today), JSON deflated as permessage-deflate does (raw deflate, zlib's default level),
 * msgpack (`notepack.io`, the codec of socket.io-msgpack-parser) and msgpack deflated. Best of
 * RUNS (the machine is shared: the best is the least disturbed), all in one run.
 *
 *   node -r ./apps/gateway/test/support/ts-hook.js bench/wire-encoding.ts [RUNS=7]
 */
import { loadavg } from 'node:os';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { HostCounts, InitialStatePayload, LogUpdatePayload } from '@flotilla/contracts';
import * as notepack from 'notepack.io';
import { countContainers } from '../apps/gateway/src/fleet/fleet-tally';
import { hostInfo } from '../apps/gateway/test/support/fleet-fixtures';
import { setting } from './gateway-bench-kit';
import { container, hostId } from './sample-fleet';

const RUNS = Number(setting('RUNS', '7'));
const encode = (value: unknown): Buffer => notepack.encode(value) as Buffer;
const decode = (packed: Buffer): unknown => notepack.decode(packed) as unknown;
const parse = (text: string): unknown => JSON.parse(text) as unknown;
const out = (line: string): void => void process.stdout.write(`${line}\n`);

function best(f: () => void): number {
  let min = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    f();
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

function initialState(view: boolean): InitialStatePayload {
  const hosts = Array.from({ length: 200 }, (_, h) => ({
    ...hostInfo(hostId(h)),
    online: true,
    last_seen: new Date().toISOString(),
  }));
  const all = hosts.map((_, h) => Array.from({ length: 100 }, (__, n) => container(h, n)));
  const position = Object.fromEntries(hosts.map((h) => [h.host_id, '1764500000000-0']));
  if (!view) return { containers: all.flat(), hosts, position };
  const counts: Record<string, HostCounts> = Object.fromEntries(
    all.map((cs, h) => [hostId(h), countContainers(cs)]),
  );
  return { containers: all[0], hosts, position, counts, partial: true };
}

function logUpdate(): LogUpdatePayload {
  const lines = Array.from(
    { length: 500 },
    (_, i) =>
      `2026-11-30T12:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(6, '0')}Z 10.0.${i % 256}.7 - - "GET /api/orders/${1000 + i}?expand=items HTTP/1.1" 200 ${512 + i} "-" "Mozilla/5.0" rt=0.0${i % 10}${i % 7}`,
  );
  return {
    container_id: 'f'.repeat(64),
    host_id: hostId(0),
    log: lines.join('\n'),
    entries: Array.from({ length: 50 }, (_, i) => ({ id: `${(i + 1) * 10}-0`, n: 10 })),
    stderr: [3, 77, 201],
    tty: false,
  };
}

out(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
out('| payload | encoding | bytes | encode ms | decode ms |');
out('| --- | --- | --: | --: | --: |');
for (const [name, payload] of [
  ['initial_state, seed form, 20,000 containers', initialState(false)],
  ['initial_state, a view (200 hosts + counts + 100 containers)', initialState(true)],
  ['log_update, 500 lines', logUpdate()],
] as const) {
  const json = JSON.stringify(payload);
  const packed = encode(payload);
  const deflatedJson = deflateRawSync(json);
  const deflatedPack = deflateRawSync(packed);
  const rows: [string, number, () => void, () => void][] = [
    ['JSON', Buffer.byteLength(json), () => JSON.stringify(payload), () => parse(json)],
    [
      'JSON + deflate',
      deflatedJson.length,
      () => deflateRawSync(JSON.stringify(payload)),
      () => parse(inflateRawSync(deflatedJson).toString()),
    ],
    ['msgpack', packed.length, () => encode(payload), () => decode(packed)],
    [
      'msgpack + deflate',
      deflatedPack.length,
      () => deflateRawSync(encode(payload)),
      () => decode(inflateRawSync(deflatedPack)),
    ],
  ];
  for (const [encoding, bytes, enc, dec] of rows) {
    out(
      `| ${name} | ${encoding} | ${bytes.toLocaleString('en-US')} | ${best(enc).toFixed(2)} | ${best(dec).toFixed(2)} |`,
    );
  }
}
out(
  `load average at end: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}`,
);
