import type { Container } from '@flotilla/contracts';
import { sampleContainer } from '@flotilla/contracts/testing';
import { GatewayError } from '../core/gateway-error';
import { pickContainer } from './container-resolution';

function container(id: string, host: string): Container {
  return sampleContainer({ container_id: id, host_id: host });
}

const one = `aaaaaaaaaaaa${'1'.repeat(52)}`;
const two = `aaaaaaaaaaaa${'2'.repeat(52)}`;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error: unknown) {
    return error instanceof GatewayError ? error.code : 'other';
  }
  return undefined;
}

describe('pickContainer', () => {
  const all = [container(one, 'h1'), container(two, 'h2')];

  it('finds a full id or an unambiguous prefix', () => {
    expect(pickContainer(one, all).host_id).toBe('h1');
    expect(pickContainer(`aaaaaaaaaaaa2`, all).host_id).toBe('h2');
  });

  it('refuses unknown and ambiguous refs with their codes', () => {
    expect(codeOf(() => pickContainer('bbbbbbbbbbbb', all))).toBe('unknown_container');
    expect(codeOf(() => pickContainer('aaaaaaaaaaaa', all))).toBe('ambiguous_container');
  });

  it('is ambiguous when one id exists on two hosts', () => {
    const same = [container(one, 'h1'), container(one, 'h2')];
    expect(codeOf(() => pickContainer(one, same))).toBe('ambiguous_container');
  });
});
