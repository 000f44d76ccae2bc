import { axisTicks, memoryAxisTop, niceBytes, niceMax, polylinePoints } from './chart-geometry';

const MIB = 1024 * 1024;

describe('chart geometry', () => {
  it('starts the line at the first sample: no point is invented before it', () => {
    expect(polylinePoints([50], 100, 10, 100)).toBe('100.0,5.0');
    expect(polylinePoints([50, 100], 100, 10, 100)).toBe('0.0,5.0 100.0,0.0');
    expect(polylinePoints([], 100, 10, 100)).toBe('');
  });

  it('keeps the line inside an inset, so 0 and the top are not lost on the edges', () => {
    expect(polylinePoints([0, 10], 10, 18, 10, 2)).toBe('0.0,16.0 10.0,2.0');
  });

  it('rounds scales up to 1, 2, 5 × 10ⁿ, bytes in their own unit', () => {
    expect(niceMax(13)).toBe(20);
    expect(niceMax(0)).toBe(1);
    expect(niceBytes(12.3 * MIB)).toBe(20 * MIB);
    expect(niceBytes(300 * 1024)).toBe(500 * 1024);
    expect(niceBytes(0)).toBe(1024);
    expect(niceBytes(608 * 1024)).toBe(MIB);
  });

  it('scales memory to the data, or to the limit once usage nears it', () => {
    const host = 16 * 1024 * MIB;
    // Unlimited: a 3 MiB process fills the chart instead of lying flat under 16 GiB.
    expect(memoryAxisTop([2 * MIB, 3 * MIB], host, false)).toBe(5 * MIB);
    // Limited, far below the limit: the data's bound.
    expect(memoryAxisTop([300 * 1024], 64 * MIB, true)).toBe(500 * 1024);
    // Limited, at half the limit or more: the limit itself.
    expect(memoryAxisTop([40 * MIB], 64 * MIB, true)).toBe(64 * MIB);
    // A round bound above the limit is cut to it.
    expect(memoryAxisTop([30 * MIB], 40 * MIB, true)).toBe(40 * MIB);
  });

  it('labels an axis from its top down to 0', () => {
    expect(axisTicks(100, 4)).toEqual([100, 75, 50, 25, 0]);
  });
});
