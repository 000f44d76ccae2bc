import { sampleContainer } from '../testing';
import {
  clampContainer,
  CONTAINER_LIMITS,
  containerSchema,
  parseContainer,
  parseFleetEvent,
} from '.';

describe('clampContainer', () => {
  it('leaves a container within the limits as it is, unmarked', () => {
    expect(clampContainer(sampleContainer())).toEqual(sampleContainer());
  });

  it('cuts long texts with an ellipsis, drops labels whose name is too long, keeps 1,024 ports', () => {
    const ports = Array.from({ length: 1_500 }, (_, i) => ({
      private_port: i,
      public_port: null,
      type: 'tcp' as const,
      ip: i === 0 ? 'f'.repeat(100) : null,
    }));
    const clamped = clampContainer(
      sampleContainer({
        name: 'n'.repeat(1_000),
        labels: { team: 'shop', note: 'x'.repeat(10_000), ['k'.repeat(257)]: 'v' },
        ports,
      }),
    );
    expect(clamped.truncated).toBe(true);
    expect(clamped.name).toHaveLength(CONTAINER_LIMITS.name);
    expect(clamped.name.endsWith('…')).toBe(true);
    expect(clamped.labels.note).toHaveLength(CONTAINER_LIMITS.labelValue);
    expect(Object.keys(clamped.labels).sort()).toEqual(['note', 'team']);
    expect(clamped.ports).toHaveLength(CONTAINER_LIMITS.ports);
    expect(clamped.ports[0].ip).toHaveLength(CONTAINER_LIMITS.portIp);
    expect(containerSchema.safeParse(clamped).success).toBe(true);
    // Identity, state and revision are never touched.
    const { container_id, host_id, state, revision } = sampleContainer();
    expect(clamped).toMatchObject({ container_id, host_id, state, revision });
  });

  it('never cuts a surrogate pair in half', () => {
    const name = `${'n'.repeat(CONTAINER_LIMITS.name - 2)}😀😀`;
    const clamped = clampContainer(sampleContainer({ name }));
    expect(clamped.name).toBe(`${'n'.repeat(CONTAINER_LIMITS.name - 2)}…`);
    expect(containerSchema.safeParse(clamped).success).toBe(true);
  });
});

describe('parseContainer and parseFleetEvent', () => {
  const oversized = { ...sampleContainer(), labels: { note: 'x'.repeat(5_000) } };

  it('clamp a container that fails only on lengths, and mark it', () => {
    const parsed = parseContainer(oversized);
    expect(parsed).toMatchObject({ ok: true, value: { truncated: true } });
    const event = parseFleetEvent({ v: 1, type: 'container', container: oversized });
    expect(event).toMatchObject({ ok: true, value: { container: { truncated: true } } });
  });

  it('still refuse a container whose id, host, state or revision is wrong', () => {
    for (const bad of [
      { container_id: 'nope' },
      { host_id: 'a:b' },
      { state: 'zombie' },
      { revision: -1 },
    ]) {
      expect(parseContainer({ ...oversized, ...bad }).ok).toBe(false);
      expect(
        parseFleetEvent({ v: 1, type: 'container', container: { ...oversized, ...bad } }).ok,
      ).toBe(false);
    }
    expect(parseFleetEvent({ v: 1, type: 'nope', container: oversized }).ok).toBe(false);
  });
});
