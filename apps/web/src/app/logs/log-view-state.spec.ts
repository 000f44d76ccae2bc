import { type LogLine, toLogLines } from './log-line';
import type { LogSource } from './log-stream';
import { LogViewState, wrapRanges } from './log-view-state';
import { RingBuffer } from './ring-buffer';

class TestSource implements LogSource {
  readonly ring: RingBuffer<LogLine>;
  appended = 0;
  constructor(
    readonly key: string,
    capacity = 1000,
  ) {
    this.ring = new RingBuffer(capacity);
  }
  add(...texts: [second: number, text: string][]): void {
    const lines = toLogLines(
      this.key,
      texts.map(([s, text]) => ({
        raw: `2024-05-01T10:00:${String(s).padStart(2, '0')}Z ${text}`,
        stderr: false,
        lineNo: null,
      })),
      this.ring.last(),
    );
    this.ring.pushAll(lines);
    this.appended += lines.length;
  }
}

const texts = (view: LogViewState): string[] =>
  view.rows.map((r) => {
    const text = r.part > 0 ? `  ${r.text}` : r.line.plain;
    return r.from === null || r.to === null ? text : text.slice(r.from, r.to);
  });

describe('LogViewState', () => {
  it('takes only what arrived since the last sync', () => {
    const source = new TestSource('h/a');
    source.add([1, 'one']);
    const view = new LogViewState([source], 1000);
    expect(texts(view)).toEqual(['one']);
    source.add([2, 'two'], [3, 'three']);
    expect(view.sync()).toEqual({ added: 2, trimmed: 0 });
    expect(texts(view)).toEqual(['one', 'two', 'three']);
    expect(view.sync()).toEqual({ added: 0, trimmed: 0 });
  });

  it('drops rows whose lines left the ring buffer', () => {
    const source = new TestSource('h/a', 3);
    const view = new LogViewState([source], 1000);
    source.add([1, 'a'], [2, 'b'], [3, 'c']);
    view.sync();
    source.add([4, 'd'], [5, 'e']);
    expect(view.sync()).toEqual({ added: 2, trimmed: 2 });
    expect(texts(view)).toEqual(['c', 'd', 'e']);
  });

  it('never holds more rows than its capacity', () => {
    const source = new TestSource('h/a', 100);
    const view = new LogViewState([source], 10);
    for (let i = 0; i < 25; i++) source.add([i % 60, `l${i}`]);
    view.sync();
    expect(view.rows).toHaveLength(10);
    expect(view.rows[0]?.line.plain).toBe('l15');
  });

  it('filters new lines as they come and refilters on change', () => {
    const source = new TestSource('h/a');
    const view = new LogViewState([source], 1000);
    view.setFilter((l) => l.plain.includes('x'));
    source.add([1, 'x1'], [2, 'y2'], [3, 'x3']);
    view.sync();
    expect(texts(view)).toEqual(['x1', 'x3']);
    view.setFilter(null);
    expect(texts(view)).toEqual(['x1', 'y2', 'x3']);
  });

  it('merges several sources by time, also when one arrives late', () => {
    const a = new TestSource('h/a');
    const b = new TestSource('h/b');
    const view = new LogViewState([a, b], 1000);
    a.add([1, 'a1'], [5, 'a5']);
    view.sync();
    b.add([2, 'b2'], [6, 'b6']);
    view.sync();
    expect(texts(view)).toEqual(['a1', 'b2', 'a5', 'b6']);
  });

  it('pretty-prints a JSON line on demand, as extra rows', () => {
    const source = new TestSource('h/a');
    source.add([1, '{"level":"info","msg":"hi"}'], [2, 'after']);
    const view = new LogViewState([source], 1000);
    const json = view.rows[0]?.line;
    expect(json?.json).toBe(true);
    view.toggleExpanded(json);
    expect(texts(view)).toEqual([
      '{"level":"info","msg":"hi"}',
      '  {',
      '    "level": "info",',
      '    "msg": "hi"',
      '  }',
      'after',
    ]);
    expect(new Set(view.rows.map((r) => r.id)).size).toBe(view.rows.length);
    view.toggleExpanded(json);
    expect(view.rows).toHaveLength(2);
  });

  it('exports what is shown, with timestamps when asked', () => {
    const source = new TestSource('h/a');
    source.add([1, 'one'], [2, 'two']);
    const view = new LogViewState([source], 1000);
    view.setFilter((l) => l.plain === 'two');
    expect(view.toText({ timestamps: false })).toBe('two\n');
    expect(view.toText({ timestamps: true, label: () => 'web' })).toBe(
      '2024-05-01T10:00:02Z [web] two\n',
    );
  });

  it('counts lines, not rows: expanded JSON does not inflate the line counter', () => {
    // The counter once read "148 of 135 lines": it counted the rows of pretty-printed JSON.
    const source = new TestSource('h/a');
    source.add([1, '{"level":"error","msg":"a","n":1}'], [2, 'plain'], [3, '{"msg":"b"}']);
    const view = new LogViewState([source], 1000);
    view.expandAll();
    expect(view.rows.length).toBeGreaterThan(3);
    expect(view.lineCount).toBe(3);
    source.add([4, '{"msg":"c"}']);
    view.sync();
    expect(view.lineCount).toBe(4);
    expect(view.lineCount).toBeLessThanOrEqual(source.ring.length);
    view.setFilter((l) => l.plain.includes('msg'));
    expect(view.lineCount).toBe(3);
    view.setWrap(5);
    expect(view.lineCount).toBe(3);
  });

  it('keeps the line count right when rows leave the top', () => {
    const source = new TestSource('h/a', 3);
    const view = new LogViewState([source], 1000);
    view.expandAll();
    source.add([1, '{"a":1}'], [2, '{"b":2}'], [3, '{"c":3}']);
    view.sync();
    source.add([4, '{"d":4}'], [5, '{"e":5}']);
    view.sync();
    expect(view.lineCount).toBe(3);
    expect(source.ring.length).toBe(3);
  });

  it('expands every JSON line, also those still to arrive, and collapses one or all', () => {
    const source = new TestSource('h/a');
    source.add([1, '{"msg":"a"}'], [2, 'plain']);
    const view = new LogViewState([source], 1000);
    expect(view.hasJson).toBe(true);
    view.expandAll();
    expect(view.allExpanded).toBe(true);
    source.add([3, '{"msg":"b"}']);
    view.sync();
    expect(texts(view)).toEqual([
      '{"msg":"a"}',
      '  {',
      '    "msg": "a"',
      '  }',
      'plain',
      '{"msg":"b"}',
      '  {',
      '    "msg": "b"',
      '  }',
    ]);
    const first = view.rows[0]?.line;
    if (!first) throw new Error('no row');
    view.toggleExpanded(first);
    expect(view.isExpanded(first.uid)).toBe(false);
    expect(view.allExpanded).toBe(false);
    expect(view.anyExpanded).toBe(true);
    expect(view.rows).toHaveLength(6);
    view.collapseAll();
    expect(view.anyExpanded).toBe(false);
    expect(texts(view)).toEqual(['{"msg":"a"}', 'plain', '{"msg":"b"}']);
  });

  it('wraps a long line onto rows of the given width, every character kept once', () => {
    const source = new TestSource('h/a');
    source.add([1, 'abcdefghijkl'], [2, 'short']);
    const view = new LogViewState([source], 1000);
    expect(view.setWrap(5)).toBe(true);
    expect(texts(view)).toEqual(['abcde', 'fghij', 'kl', 'short']);
    expect(view.rows.map((r) => r.chunk)).toEqual([0, 1, 2, 0]);
    expect(new Set(view.rows.map((r) => r.id)).size).toBe(4);
    expect(view.toText({ timestamps: false })).toBe('abcdefghijkl\nshort\n');
    expect(view.setWrap(5)).toBe(false);
    view.setWrap(0);
    expect(texts(view)).toEqual(['abcdefghijkl', 'short']);
  });

  it('rebuilds only the newest rows up to capacity, merged in time order', () => {
    const a = new TestSource('h/a');
    const b = new TestSource('h/b');
    for (let i = 0; i < 30; i += 2) {
      a.add([i, `a${i}`]);
      b.add([i + 1, `b${i + 1}`]);
    }
    const view = new LogViewState([a, b], 4);
    expect(texts(view)).toEqual(['a26', 'b27', 'a28', 'b29']);
    expect(view.lineCount).toBe(4);
  });
});

describe('LogViewState rebuild over many sources', () => {
  it('merges 12 sources in time order, filtered, whatever their lengths', () => {
    let seed = 7;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const sources = Array.from({ length: 12 }, (_, i) => new TestSource(`h/${i}`));
    const all: string[] = [];
    for (const [i, source] of sources.entries()) {
      const seconds = Array.from({ length: Math.floor(random() * 40) }, () =>
        Math.floor(random() * 60),
      ).sort((a, b) => a - b);
      source.add(...seconds.map((sec, n): [number, string] => [sec, `s${i}-${n}`]));
      all.push(...source.ring.toArray().map((l) => `${l.sortKey} ${l.uid} ${l.plain}`));
    }
    const byTime = (lines: string[]): string[] =>
      lines.sort((a, b) => {
        const [ka = '', ua = '0'] = a.split(' ');
        const [kb = '', ub = '0'] = b.split(' ');
        return ka < kb ? -1 : ka > kb ? 1 : Number(ua) - Number(ub);
      });
    const expected = byTime(all).map((l) => l.split(' ')[2]);
    const view = new LogViewState(sources, 10_000);
    expect(texts(view)).toEqual(expected);
    view.setFilter((l) => l.plain.endsWith('1'));
    expect(texts(view)).toEqual(expected.filter((t) => t?.endsWith('1')));
    expect(view.lineCount).toBe(view.rows.length);
  });
});

describe('wrapRanges', () => {
  it('cuts a length into rows, the last one shorter', () => {
    expect(wrapRanges(12, 5)).toEqual([
      [0, 5],
      [5, 10],
      [10, 12],
    ]);
    expect(wrapRanges(3, 5)).toEqual([[0, 3]]);
    expect(wrapRanges(0, 5)).toEqual([[0, 0]]);
    expect(wrapRanges(7, 0)).toEqual([[0, 7]]);
  });

  it('caps the rows of a huge line, the last row holding the rest', () => {
    const ranges = wrapRanges(1_000_000, 10);
    expect(ranges).toHaveLength(1000);
    expect(ranges[ranges.length - 1]).toEqual([9990, 1_000_000]);
  });
});
