import { type LogLine, toLogLines } from './log-line';
import type { LogSource } from './log-stream';
import { LogViewState } from './log-view-state';
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
  view.rows.map((r) => (r.part > 0 ? `  ${r.text}` : r.line.plain));

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
});
