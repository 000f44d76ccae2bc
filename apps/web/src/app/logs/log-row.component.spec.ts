import { TestBed } from '@angular/core/testing';
import { toLogLines } from './log-line';
import { LogRowComponent } from './log-row.component';
import type { LogRow } from './log-view-state';

function rowOf(raw: string, stderr = false): LogRow {
  const [line] = toLogLines('h/c', [{ raw, stderr, lineNo: 7 }], undefined);
  if (!line) throw new Error('no line');
  return { id: line.uid * 1024, line, part: 0, text: null, chunk: 0, from: null, to: null };
}

function render(
  row: LogRow,
  inputs: { highlight?: RegExp | null; showTimestamps?: boolean } = {},
): HTMLElement {
  const fixture = TestBed.createComponent(LogRowComponent);
  fixture.componentRef.setInput('row', row);
  if (inputs.highlight !== undefined) fixture.componentRef.setInput('highlight', inputs.highlight);
  if (inputs.showTimestamps !== undefined)
    fixture.componentRef.setInput('showTimestamps', inputs.showTimestamps);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

describe('LogRowComponent', () => {
  it('shows a <script> line as text and creates no element from it', () => {
    const el = render(
      rowOf('2024-05-01T10:00:00Z <script>window.pwned=1</script><img src=x onerror=alert(1)>'),
    );
    expect(el.querySelector('.log-row__text')?.textContent).toBe(
      '<script>window.pwned=1</script><img src=x onerror=alert(1)>',
    );
    expect(el.querySelector('script')).toBeNull();
    expect(el.querySelector('img')).toBeNull();
  });

  it('renders ANSI colours as classes', () => {
    const el = render(rowOf('2024-05-01T10:00:00Z \x1b[31mred\x1b[0m plain'));
    const red = [...el.querySelectorAll('.log-row__text span')].find(
      (s) => s.textContent === 'red',
    );
    expect(red?.className).toBe('ansi-fg-1');
    expect(el.querySelector('.log-row__text')?.textContent).toBe('red plain');
  });

  it('tells stderr from stdout and exposes level and line number', () => {
    const el = render(rowOf('2024-05-01T10:00:00Z ERROR failed', true));
    expect(el.getAttribute('data-stream')).toBe('stderr');
    expect(el.getAttribute('data-level')).toBe('error');
    expect(el.getAttribute('data-line-no')).toBe('7');
    expect(el.getAttribute('data-testid')).toBe('log-line');
    expect(el.classList).toContain('log-row--stderr');
  });

  it('marks filter matches', () => {
    const el = render(rowOf('2024-05-01T10:00:00Z GET /health 200'), { highlight: /health/gi });
    expect([...el.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['health']);
  });

  it('shows or hides the timestamp', () => {
    const row = rowOf('2024-05-01T10:00:00Z x');
    expect(render(row).querySelector('.log-row__ts')).not.toBeNull();
    expect(render(row, { showTimestamps: false }).querySelector('.log-row__ts')).toBeNull();
  });

  it('colours a JSON line by its level, like a plain line, and keeps its JSON toggle', () => {
    const json = render(rowOf('2024-05-01T10:00:00Z {"level":50,"msg":"db down"}'));
    const plain = render(rowOf('2024-05-01T10:00:00Z ERROR db down'));
    expect(json.getAttribute('data-level')).toBe('error');
    expect(json.querySelector('.log-row__level')?.className).toBe(
      plain.querySelector('.log-row__level')?.className,
    );
    expect(json.querySelector('[data-testid="log-json-toggle"]')).not.toBeNull();
  });

  it('shows only its share of a wrapped line, with the timestamp on the first row alone', () => {
    const base = rowOf('2024-05-01T10:00:00Z \x1b[31mred\x1b[0m plain text');
    const first = render({ ...base, from: 0, to: 6 });
    const second = render({ ...base, id: base.id + 1, chunk: 1, from: 6, to: 15 });
    expect(first.querySelector('.log-row__text')?.textContent).toBe('red pl');
    expect(second.querySelector('.log-row__text')?.textContent).toBe('ain text');
    expect(first.querySelector('.log-row__ts')?.textContent).not.toBe('');
    expect(second.querySelector('.log-row__ts')?.textContent).toBe('');
    expect(second.getAttribute('data-testid')).toBe('log-line-wrap');
  });
});
