import { cid, container } from '../../testing/fixtures';
import { PROJECT_LABEL } from '../fleet/fleet-query';
import { parseTargets, projectContainers, sameTargets, targetOf } from './log-targets';

describe('parseTargets', () => {
  it('reads the route container and the `with` list, without duplicates, up to the cap', () => {
    const targets = parseTargets('h1', 'ABC', 'h2/def, h1/abc,bad,/x,h3/', 20);
    expect(targets.map((t) => t.key)).toEqual(['h1/abc', 'h2/def']);
    const many = Array.from({ length: 30 }, (_, i) => `h/c${i}`).join(',');
    expect(parseTargets(undefined, undefined, many, 20)).toHaveLength(20);
  });
});

describe('projectContainers', () => {
  const of = (name: string, project: string | null, host = 'h1') =>
    container({
      name,
      host_id: host,
      container_id: cid(name.charCodeAt(0).toString(16)),
      labels: project ? { [PROJECT_LABEL]: project } : {},
    });

  it('opens every container of the project, by name, and nothing else', () => {
    const all = [of('web', 'shop'), of('db', 'shop'), of('other', 'blog'), of('lone', null)];
    expect(projectContainers(all, 'shop').map((c) => c.name)).toEqual(['db', 'web']);
    expect(projectContainers(all, 'none')).toEqual([]);
  });

  it('names the same targets equal, whatever the array', () => {
    const a = [of('web', 'shop'), of('db', 'shop')].map(targetOf);
    const b = [of('web', 'shop'), of('db', 'shop')].map(targetOf);
    expect(sameTargets(a, b)).toBe(true);
    expect(sameTargets(a, b.slice(1))).toBe(false);
  });
});
