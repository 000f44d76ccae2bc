/** Orders Redis stream ids (`<ms>-<seq>`) as Redis does. `'$'`-style ids are not accepted. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = split(a);
  const [bm, bs] = split(b);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}

/** The epoch ms an automatic stream id was created at. */
export function timeOfStreamId(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

function split(id: string): [bigint, bigint] {
  const dash = id.indexOf('-');
  return dash === -1 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}
