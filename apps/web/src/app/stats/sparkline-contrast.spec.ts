// The spec reads the theme's source: Node's fs, in this file only.
/// <reference types="node" />
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Fleet sparklines must be visible in both themes: their lines (and the track a flat line lies
 * on) reach WCAG's 3:1 for graphics against every background a fleet row can have.
 */
const theme = readFileSync(join(__dirname, '../shared/theme.css'), 'utf8');

function lightDark(name: string): [string, string] {
  const m = new RegExp(`--${name}:\\s*light-dark\\((#[0-9a-f]{6}),\\s*(#[0-9a-f]{6})\\)`, 'i').exec(
    theme,
  );
  if (!m?.[1] || !m[2]) throw new Error(`--${name} is not a light-dark() pair of hex colours`);
  return [m[1], m[2]];
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

// Sparkline strokes (stats.css): CPU = --accent, memory = --state-paused.
const LINES = ['accent', 'state-paused'];
// A row's background: the page, the sparkline's own track, hover, selected/active.
const BACKGROUNDS = ['bg', 'bg-elev', 'bg-sunken', 'bg-hover', 'bg-active'];

describe('fleet sparkline contrast', () => {
  for (const [theme, i] of [
    ['light', 0],
    ['dark', 1],
  ] as const) {
    it(`reaches 3:1 for every line on every row background (${theme})`, () => {
      for (const line of LINES) {
        for (const bg of BACKGROUNDS) {
          const ratio = contrast(lightDark(line)[i], lightDark(bg)[i]);
          expect({ line, bg, ok: ratio >= 3 }).toEqual({ line, bg, ok: true });
        }
      }
    });
  }
});
