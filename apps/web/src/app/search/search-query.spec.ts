import { convertToParamMap } from '@angular/router';
import { fromLocalInput, queryFromParams, toLocalInput } from './search-query';

describe('search query in the URL', () => {
  it('reads the pattern and the filters it names, and nothing else', () => {
    expect(
      queryFromParams(
        convertToParamMap({
          q: 'err(or)?',
          host: 'h1',
          project: ' shop ',
          label: '',
          since: '2026-01-01T10:00:00.000Z',
          limit: '50',
          run: 'x1',
        }),
      ),
    ).toEqual({
      q: 'err(or)?',
      host: 'h1',
      project: 'shop',
      since: '2026-01-01T10:00:00.000Z',
      limit: 50,
    });
  });

  it('keeps the limit within what the gateway accepts', () => {
    expect(queryFromParams(convertToParamMap({ q: 'x', limit: '99999' })).limit).toBe(10_000);
    expect(queryFromParams(convertToParamMap({ q: 'x', limit: 'lots' })).limit).toBeUndefined();
    expect(queryFromParams(convertToParamMap({}))).toEqual({ q: '' });
  });

  it('turns datetime-local values into ISO times and back', () => {
    const iso = fromLocalInput('2026-03-04T05:06:07');
    expect(iso).toBe(new Date(2026, 2, 4, 5, 6, 7).toISOString());
    expect(toLocalInput(iso ?? undefined)).toBe('2026-03-04T05:06:07');
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('not a time')).toBeNull();
    expect(toLocalInput(undefined)).toBe('');
  });
});
