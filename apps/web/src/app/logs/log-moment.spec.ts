import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import {
  isoToLocalInput,
  localInputToIso,
  permalinkOf,
  sinceBefore,
  targetSortKey,
  urlTime,
} from './log-moment';

@Component({ template: '' })
class BlankComponent {}

describe('log moments', () => {
  it('reads URL times in Docker form and refuses what is not a time', () => {
    expect(urlTime('2026-01-02T03:04:05Z')).toBe('2026-01-02T03:04:05.000000000Z');
    expect(urlTime('2026-01-02T03:04:05.5+01:00')).toBe('2026-01-02T02:04:05.500000000Z');
    expect(urlTime('yesterday')).toBeNull();
    expect(urlTime(undefined)).toBeNull();
  });

  it('finds a line by the sort key of its Docker timestamp, whatever zeros Docker trimmed', () => {
    expect(targetSortKey('2026-01-02T03:04:05.12Z')).toBe('2026-01-02T03:04:05.120000000');
    expect(targetSortKey(null)).toBeNull();
  });

  it('goes back from now for the presets', () => {
    expect(sinceBefore(15, new Date('2026-01-02T03:30:00Z'))).toBe('2026-01-02T03:15:00.000Z');
  });

  it('turns a datetime-local value into ISO and back', () => {
    const iso = localInputToIso('2026-01-02T03:04:05');
    expect(iso).not.toBeNull();
    expect(isoToLocalInput(iso)).toBe('2026-01-02T03:04:05');
    expect(localInputToIso('')).toBeNull();
    expect(isoToLocalInput('nonsense')).toBe('');
  });

  describe('permalinks', () => {
    let router: Router;
    beforeEach(() => {
      TestBed.configureTestingModule({
        providers: [provideRouter([{ path: 'logs/:host/:id', component: BlankComponent }])],
      });
      router = TestBed.inject(Router);
    });

    it('names one container, the line time and the filter', () => {
      const url = permalinkOf(
        router,
        { hostId: 'host-a', containerId: 'abc' },
        '2026-01-02T03:04:05.123456789Z',
        'err or',
      );
      expect(url).toBe('/logs/host-a/abc?at=2026-01-02T03:04:05.123456789Z&q=err%20or');
    });

    it('keeps a merged page’s containers and drops its start time', async () => {
      await router.navigateByUrl('/logs/h1/a?with=h2/b&merge=1&since=2026-01-01T00:00:00Z');
      const url = permalinkOf(router, null, '2026-01-02T03:04:05Z', null);
      expect(url).toBe('/logs/h1/a?with=h2%2Fb&merge=1&at=2026-01-02T03:04:05Z');
    });
  });
});
