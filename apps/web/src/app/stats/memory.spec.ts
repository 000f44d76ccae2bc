import { memoryText } from './memory';

const MIB = 1024 * 1024;

describe('memoryText', () => {
  it("reads against the container's own limit", () => {
    expect(
      memoryText({
        memory_usage: 16 * MIB,
        memory_limit: 64 * MIB,
        memory_percent: 25,
        memory_limited: true,
      }),
    ).toBe('16.0 MiB of 64 MiB (25%)');
  });

  it("names the host's RAM when the container has no limit", () => {
    expect(
      memoryText({
        memory_usage: 3 * MIB,
        memory_limit: 15.6 * 1024 * MIB,
        memory_percent: 0.02,
        memory_limited: false,
      }),
    ).toBe('3.0 MiB of host RAM (15.6 GiB)');
  });

  it('gives the bare figures when the agent does not say which', () => {
    expect(memoryText({ memory_usage: 3 * MIB, memory_limit: 64 * MIB, memory_percent: 4.7 })).toBe(
      '3.0 MiB of 64 MiB',
    );
    expect(memoryText({ memory_usage: 3 * MIB, memory_limit: 0, memory_percent: 0 })).toBe(
      '3.0 MiB',
    );
  });
});
