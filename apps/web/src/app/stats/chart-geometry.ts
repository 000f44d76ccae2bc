/** SVG polyline points for values on a `width` × `height` box; `max` is the top of the scale. */
export function polylinePoints(
  values: readonly number[],
  width: number,
  height: number,
  max: number,
): string {
  if (values.length === 0) return '';
  const top = max > 0 ? max : 1;
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const v = Math.max(0, Math.min(top, values[i] ?? 0));
    const x = values.length > 1 ? i * step : width;
    const y = height - (v / top) * height;
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
