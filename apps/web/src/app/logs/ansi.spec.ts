import { markRanges, parseAnsi, stripAnsi } from './ansi';

const ESC = '\x1b';

describe('parseAnsi', () => {
  it('leaves plain text as one unstyled segment', () => {
    expect(parseAnsi('hello world')).toEqual([
      { text: 'hello world', classes: '', color: null, background: null },
    ]);
  });

  it('turns the 16 colours into themed classes and resets on 0', () => {
    const segments = parseAnsi(`${ESC}[31mred${ESC}[0m plain ${ESC}[1;92mbright${ESC}[m`);
    expect(segments.map((s) => [s.text, s.classes])).toEqual([
      ['red', 'ansi-fg-1'],
      [' plain ', ''],
      ['bright', 'ansi-fg-10 ansi-bold'],
    ]);
  });

  it('keeps styles until they are switched off', () => {
    const segments = parseAnsi(`${ESC}[4;44mA${ESC}[24mB${ESC}[49mC`);
    expect(segments.map((s) => [s.text, s.classes])).toEqual([
      ['A', 'ansi-bg-4 ansi-underline'],
      ['B', 'ansi-bg-4'],
      ['C', ''],
    ]);
  });

  it('renders 256-colour and true-colour codes as colour values', () => {
    const [a, b, c] = parseAnsi(`${ESC}[38;5;196mA${ESC}[38;2;10;20;30;48;5;232mB${ESC}[38;5;3mC`);
    expect(a).toMatchObject({ text: 'A', color: 'rgb(255, 0, 0)', classes: '' });
    expect(b).toMatchObject({ text: 'B', color: 'rgb(10, 20, 30)', background: 'rgb(8, 8, 8)' });
    expect(c).toMatchObject({ text: 'C', classes: 'ansi-fg-3', color: null });
  });

  it('swaps colours on inverse', () => {
    const [seg] = parseAnsi(`${ESC}[7;31mX`);
    expect(seg?.classes).toBe('ansi-fg-inverse ansi-bg-1');
  });

  it('drops other escapes and control characters', () => {
    const raw = `${ESC}[2K${ESC}[1Gprogress${ESC}]0;title\x07 done\r\x00`;
    expect(
      parseAnsi(raw)
        .map((s) => s.text)
        .join(''),
    ).toBe('progress done');
    expect(stripAnsi(raw)).toBe('progress done');
  });

  it('keeps markup as text: a <script> line is characters, not an element', () => {
    const segments = parseAnsi(`${ESC}[31m<script>alert(1)</script>${ESC}[0m<b>x</b>`);
    expect(segments.map((s) => s.text)).toEqual(['<script>alert(1)</script>', '<b>x</b>']);
  });

  it('joins to the stripped text, which highlights rely on', () => {
    const raw = `a${ESC}[32mb${ESC}[0mc\td${ESC}[Ke`;
    expect(
      parseAnsi(raw)
        .map((s) => s.text)
        .join(''),
    ).toBe(stripAnsi(raw));
  });
});

describe('markRanges', () => {
  it('splits segments at match boundaries and marks the matches', () => {
    const segments = parseAnsi(`err${ESC}[31mor: bad${ESC}[0m error`);
    // plain text: "error: bad error"
    const marked = markRanges(segments, [
      [0, 5],
      [11, 16],
    ]);
    expect(marked.map((s) => [s.text, !!s.mark, s.classes])).toEqual([
      ['err', true, ''],
      ['or', true, 'ansi-fg-1'],
      [': bad', false, 'ansi-fg-1'],
      [' ', false, ''],
      ['error', true, ''],
    ]);
  });

  it('returns the segments unchanged without ranges', () => {
    const segments = parseAnsi('abc');
    expect(markRanges(segments, [])).toEqual(segments);
  });
});
