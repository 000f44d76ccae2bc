import { DEFAULT_QUERY, type FleetQuery } from './fleet-query';
import { hasQueryParams, queryFromParams, queryToParams, sameQuery } from './fleet-query-url';

const fromRecord =
  (params: Record<string, string>) =>
  (name: string): string | null =>
    params[name] ?? null;

describe('fleet query in the URL', () => {
  it('writes nothing for the default query', () => {
    expect(queryToParams(DEFAULT_QUERY)).toEqual({});
    expect(hasQueryParams(fromRecord({}))).toBe(false);
  });

  it('round-trips every field', () => {
    const query: FleetQuery = {
      search: 'name:"my app" -state:exited',
      state: 'running',
      host: 'host-b',
      project: 'shop',
      sort: 'label:env',
      direction: 'desc',
      group: 'stack',
      open: ['host-a', 'host-c'],
    };
    const params = queryToParams(query);
    expect(params).toEqual({
      q: 'name:"my app" -state:exited',
      state: 'running',
      host: 'host-b',
      project: 'shop',
      sort: 'label:env',
      dir: 'desc',
      group: 'stack',
      open: 'host-a,host-c',
    });
    const back = queryFromParams(fromRecord(params));
    expect(back).toEqual(query);
    expect(sameQuery(back, query)).toBe(true);
  });

  it('keeps only what it understands from a hand-edited URL', () => {
    expect(
      queryFromParams(
        fromRecord({
          state: 'sleeping',
          sort: 'colour',
          dir: 'sideways',
          group: 'team',
          host: '',
          project: 'shop',
          q: 'x'.repeat(10_000),
        }),
      ),
    ).toEqual({ ...DEFAULT_QUERY, project: 'shop' });
    expect(queryFromParams(fromRecord({ sort: 'label:' })).sort).toBe('name');
    expect(hasQueryParams(fromRecord({ group: 'stack' }))).toBe(true);
  });

  it('reads open hosts distinct and sorted, and tells a different set apart', () => {
    const query = queryFromParams(fromRecord({ open: 'h2,,h1, h2' }));
    expect(query.open).toEqual(['h1', 'h2']);
    expect(sameQuery(query, { ...query, open: ['h1'] })).toBe(false);
    expect(hasQueryParams(fromRecord({ open: 'h1' }))).toBe(true);
  });
});
