/**
 * SVG polyline points for values on a `width` × `height` box; `max` is the top of the scale, drawn
 * `inset` px below the box's top edge (and 0 as far above its bottom). The line starts at the
 * first value: nothing is drawn for the time before it.
 */
export function polylinePoints(
  values: readonly number[],
  width: number,
  height: number,
  max: number,
  inset = 0,
): string {
  if (values.length === 0) return '';
  const top = max > 0 ? max : 1;
  const span = height - 2 * inset;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = Math.max(0, Math.min(top, values[i] ?? 0));
    const x = values.length > 1 ? i * step : width;
    const y = height - inset - (v / top) * span;
    out += `${i === 0 ? '' : ' '}${x.toFixed(1)},${y.toFixed(1)}`;
  }
  return out;
}

/** A round upper bound for a scale: 1, 2, 5, 10, 20, 50, 100, ... at least `value`. */
export function niceMax(value: number): number {
  if (!Number.isFinite(value) || value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 5, 10]) {
    if (value <= m * magnitude) return m * magnitude;
  }
  return 10 * magnitude;
}

const KIB = 1024;

/** A round upper bound in bytes, round in the unit it is read in: 20 MiB, 512 KiB, 2 GiB. */
export function niceBytes(bytes: number): number {
  if (!Number.isFinite(bytes) || bytes <= 0) return KIB;
  let unit = 1;
  while (bytes >= unit * KIB && unit < KIB ** 4) unit *= KIB;
  const top = niceMax(bytes / unit);
  // 1000 KiB reads oddly: one of the next unit instead.
  return top >= 1000 && unit < KIB ** 4 ? unit * KIB : top * unit;
}

/**
 * The top of the memory axis. Against the container's limit once usage comes near it (at least
 * half), so "how close to being killed" reads off the chart; otherwise a round bound over the
 * usage, so a small process is not a flat line at 0 under gigabytes of host RAM.
 */
export function memoryAxisTop(usages: readonly number[], limit: number, limited: boolean): number {
  let max = 0;
  for (const u of usages) max = Math.max(max, u);
  if (limited && limit > 0 && max >= limit / 2) return limit;
  const top = niceBytes(max);
  return limited && limit > 0 ? Math.min(top, limit) : top;
}

/** Tick values from the top of a scale down to 0, `count` intervals. */
export function axisTicks(top: number, count = 2): number[] {
  const ticks: number[] = [];
  for (let i = count; i >= 0; i--) ticks.push((top * i) / count);
  return ticks;
}
