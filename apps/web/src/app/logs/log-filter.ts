import { type LogLevel, levelRank } from './log-level';
import type { LogLine } from './log-line';

export interface LogFilterOptions {
  text: string;
  /** Treat `text` as a regular expression. */
  regex: boolean;
  caseSensitive: boolean;
  /** Show only lines at this level or above (lines with no level are hidden then). */
  minLevel: LogLevel | null;
}

export const NO_FILTER: LogFilterOptions = {
  text: '',
  regex: false,
  caseSensitive: false,
  minLevel: null,
};

export interface CompiledFilter {
  ok: true;
  /** Null when everything passes. */
  test: ((line: LogLine) => boolean) | null;
  /** What to highlight in shown lines; null when there is no text filter. */
  highlight: RegExp | null;
}

export interface FilterError {
  ok: false;
  error: string;
}

/** Longest text a filter looks at per line: a huge line must not stall the tab. */
const MAX_TEST_LENGTH = 20_000;

/**
 * Compiles the viewer's filter. An invalid regular expression is reported, never thrown.
 * Gap markers always pass: missing lines must stay visible whatever the filter.
 */
export function compileFilter(options: LogFilterOptions): CompiledFilter | FilterError {
  let pattern: RegExp | null = null;
  if (options.text !== '') {
    const source = options.regex ? options.text : escapeRegExp(options.text);
    const flags = options.caseSensitive ? 'g' : 'gi';
    try {
      pattern = new RegExp(source, flags);
    } catch (error) {
      const reason =
        error instanceof Error
          ? error.message.replace(/^Invalid regular expression: /, '')
          : 'invalid';
      return { ok: false, error: `Invalid regular expression: ${reason}` };
    }
  }
  const min = options.minLevel === null ? null : levelRank(options.minLevel);
  if (pattern === null && min === null) return { ok: true, test: null, highlight: null };

  const probe =
    pattern === null ? null : new RegExp(pattern.source, pattern.flags.replace('g', ''));
  const test = (line: LogLine): boolean => {
    if (line.kind === 'gap') return true;
    if (min !== null && (line.level === null || levelRank(line.level) < min)) return false;
    if (probe !== null) {
      const text =
        line.plain.length > MAX_TEST_LENGTH ? line.plain.slice(0, MAX_TEST_LENGTH) : line.plain;
      if (!probe.test(text)) return false;
    }
    return true;
  };
  return { ok: true, test, highlight: pattern };
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Character ranges of the matches in `text` (at most `max`; empty matches are skipped). */
export function matchRanges(text: string, pattern: RegExp | null, max = 200): [number, number][] {
  if (pattern === null || text === '') return [];
  const re = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
  re.lastIndex = 0;
  const ranges: [number, number][] = [];
  for (let m = re.exec(text); m !== null && ranges.length < max; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    ranges.push([m.index, m.index + m[0].length]);
  }
  return ranges;
}
