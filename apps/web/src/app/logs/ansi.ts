/**
 * ANSI escape handling for log text. SGR codes (colours, bold, ...) become styled segments; every
 * other escape or control character is dropped. Segments are rendered as text nodes with classes
 * (and a colour binding for 256-colour and true-colour codes): log text is never HTML.
 */

export interface AnsiSegment {
  text: string;
  /** Space-separated classes: `ansi-fg-N`, `ansi-bg-N` (N 0..15), `ansi-bold`, ... */
  classes: string;
  /** CSS colour for codes outside the 16 themed ones (`38;5;N`, `38;2;R;G;B`), else null. */
  color: string | null;
  background: string | null;
  /** Part of a search match. */
  mark?: boolean;
}

type Colour = number | string | null;

interface Style {
  fg: Colour;
  bg: Colour;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
  strike: boolean;
}

const PLAIN: Style = {
  fg: null,
  bg: null,
  bold: false,
  dim: false,
  italic: false,
  underline: false,
  inverse: false,
  strike: false,
};

/** Any escape sequence (CSI, OSC, two-character) or a control character other than tab. */
const ESCAPES =
  // eslint-disable-next-line no-control-regex
  /\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?|[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f]/g;

/** Select Graphic Rendition: `ESC [ params m`, the escape that sets colours and styles. */
// eslint-disable-next-line no-control-regex
const SGR = /^(?:\x1b\[|\x9b)([0-9;:]*)m$/;

/** The text as a person reads it: escapes and control characters removed. */
export function stripAnsi(text: string): string {
  return hasEscapes(text) ? text.replace(ESCAPES, '') : text;
}

/** Cheap test before the regex: most log lines hold no escape or control character. */
export function hasEscapes(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f || c === 0x9b) return true;
  }
  return false;
}

export function parseAnsi(text: string): AnsiSegment[] {
  if (!hasEscapes(text)) return text ? [{ text, classes: '', color: null, background: null }] : [];
  const segments: AnsiSegment[] = [];
  let style: Style = PLAIN;
  let last = 0;
  ESCAPES.lastIndex = 0;
  for (let m = ESCAPES.exec(text); m !== null; m = ESCAPES.exec(text)) {
    if (m.index > last) push(segments, text.slice(last, m.index), style);
    last = m.index + m[0].length;
    const seq = m[0];
    const sgr = SGR.exec(seq);
    if (sgr) style = applySgr(style, sgr[1] ?? '');
    if (m[0].length === 0) ESCAPES.lastIndex++;
  }
  if (last < text.length) push(segments, text.slice(last), style);
  return segments;
}

function push(segments: AnsiSegment[], text: string, style: Style): void {
  const rendered = render(style);
  const prev = segments[segments.length - 1];
  if (
    prev &&
    prev.classes === rendered.classes &&
    prev.color === rendered.color &&
    prev.background === rendered.background
  ) {
    prev.text += text;
    return;
  }
  segments.push({ text, ...rendered });
}

function applySgr(current: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
  let s = { ...current };
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] ?? 0;
    if (code === 0) s = { ...PLAIN };
    else if (code === 1) s.bold = true;
    else if (code === 2) s.dim = true;
    else if (code === 3) s.italic = true;
    else if (code === 4) s.underline = true;
    else if (code === 7) s.inverse = true;
    else if (code === 9) s.strike = true;
    else if (code === 21 || code === 22) {
      s.bold = false;
      s.dim = false;
    } else if (code === 23) s.italic = false;
    else if (code === 24) s.underline = false;
    else if (code === 27) s.inverse = false;
    else if (code === 29) s.strike = false;
    else if (code >= 30 && code <= 37) s.fg = code - 30;
    else if (code >= 90 && code <= 97) s.fg = code - 90 + 8;
    else if (code === 39) s.fg = null;
    else if (code >= 40 && code <= 47) s.bg = code - 40;
    else if (code >= 100 && code <= 107) s.bg = code - 100 + 8;
    else if (code === 49) s.bg = null;
    else if (code === 38 || code === 48) {
      const [colour, used] = extendedColour(codes, i + 1);
      if (code === 38) s.fg = colour;
      else s.bg = colour;
      i += used;
    }
  }
  return s;
}

/** `5;N` (256 colours) or `2;R;G;B` (true colour) after a 38 or 48. */
function extendedColour(codes: number[], at: number): [Colour, number] {
  const mode = codes[at];
  if (mode === 5) {
    const n = codes[at + 1];
    if (n === undefined || n < 0 || n > 255) return [null, 2];
    return [n < 16 ? n : xterm256(n), 2];
  }
  if (mode === 2) {
    const [r, g, b] = [codes[at + 1], codes[at + 2], codes[at + 3]].map((v) => clampByte(v));
    return [`rgb(${r}, ${g}, ${b})`, 4];
  }
  return [null, 1];
}

function clampByte(v: number | undefined): number {
  return Math.max(0, Math.min(255, Math.round(v ?? 0)));
}

const CUBE = [0, 95, 135, 175, 215, 255];

function xterm256(n: number): string {
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = n - 16;
  return `rgb(${CUBE[Math.floor(i / 36)]}, ${CUBE[Math.floor(i / 6) % 6]}, ${CUBE[i % 6]})`;
}

function render(style: Style): Pick<AnsiSegment, 'classes' | 'color' | 'background'> {
  let fg = style.fg;
  let bg = style.bg;
  const classes: string[] = [];
  if (style.inverse) {
    [fg, bg] = [bg, fg];
    if (fg === null) classes.push('ansi-fg-inverse');
    if (bg === null) classes.push('ansi-bg-inverse');
  }
  if (typeof fg === 'number') classes.push(`ansi-fg-${fg}`);
  if (typeof bg === 'number') classes.push(`ansi-bg-${bg}`);
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  if (style.strike) classes.push('ansi-strike');
  return {
    classes: classes.join(' '),
    color: typeof fg === 'string' ? fg : null,
    background: typeof bg === 'string' ? bg : null,
  };
}

/**
 * Splits segments so the character ranges `[start, end)` of the plain text (sorted, not
 * overlapping) are marked; the segments' texts joined must be that plain text.
 */
export function markRanges(
  segments: readonly AnsiSegment[],
  ranges: readonly (readonly [number, number])[],
): AnsiSegment[] {
  if (ranges.length === 0) return [...segments];
  const out: AnsiSegment[] = [];
  let offset = 0;
  let r = 0;
  for (const seg of segments) {
    const segEnd = offset + seg.text.length;
    let pos = offset;
    while (pos < segEnd) {
      while (r < ranges.length && (ranges[r]?.[1] ?? 0) <= pos) r++;
      const range = ranges[r];
      if (!range || range[0] >= segEnd) {
        out.push({ ...seg, text: seg.text.slice(pos - offset), mark: false });
        pos = segEnd;
      } else if (range[0] > pos) {
        out.push({ ...seg, text: seg.text.slice(pos - offset, range[0] - offset), mark: false });
        pos = range[0];
      } else {
        const end = Math.min(range[1], segEnd);
        out.push({ ...seg, text: seg.text.slice(pos - offset, end - offset), mark: true });
        pos = end;
      }
    }
    offset = segEnd;
  }
  return out;
}

/** The segments covering characters `[from, to)` of their joined text (a wrapped row's share). */
export function sliceSegments(
  segments: readonly AnsiSegment[],
  from: number,
  to: number,
): AnsiSegment[] {
  const out: AnsiSegment[] = [];
  let offset = 0;
  for (const seg of segments) {
    const end = offset + seg.text.length;
    if (end > from && offset < to) {
      out.push({
        ...seg,
        text: seg.text.slice(Math.max(0, from - offset), Math.min(seg.text.length, to - offset)),
      });
    }
    offset = end;
    if (offset >= to) break;
  }
  return out;
}
