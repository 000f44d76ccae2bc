import { RE2JS } from 're2js';

/** A piece of a matched line: the text, and whether the pattern matched it. */
export interface LineSegment {
  text: string;
  match: boolean;
}

/** Most highlighted spans in one line: enough to read, finite whatever the pattern. */
const MAX_SPANS = 100;

/**
 * A function that splits a line into matched and unmatched pieces for `pattern`, with the
 * agents' engine (RE2 semantics, linear time: a hostile pattern cannot hang the page, and a
 * highlight means what the search meant). A pattern that does not compile highlights nothing.
 */
export function highlighter(pattern: string): (line: string) => LineSegment[] {
  let re: RE2JS | null = null;
  try {
    re = RE2JS.compile(pattern);
  } catch {
    // The gateway refuses such a pattern and says why; there is nothing to highlight.
  }
  return (line) => (re ? segments(re, line) : [{ text: line, match: false }]);
}

function segments(re: RE2JS, line: string): LineSegment[] {
  const out: LineSegment[] = [];
  const matcher = re.matcher(line);
  let shown = 0;
  let from = 0;
  let spans = 0;
  while (spans < MAX_SPANS && from <= line.length && matcher.find(from)) {
    const start = matcher.start();
    const end = matcher.end();
    if (end > start) {
      if (start > shown) out.push({ text: line.slice(shown, start), match: false });
      out.push({ text: line.slice(start, end), match: true });
      shown = end;
      spans++;
    }
    // An empty match moves on by one, so `a*` cannot loop in place.
    from = end > start ? end : end + 1;
  }
  if (shown < line.length) out.push({ text: line.slice(shown), match: false });
  return out;
}
