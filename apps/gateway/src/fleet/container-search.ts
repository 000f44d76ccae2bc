import { projectOf, type Container } from '@flotilla/contracts';

/** How well a container matches a query: lower is better; `undefined`: no match. */
export function matchRank(container: Container, needle: string): number | undefined {
  const name = container.name.toLowerCase();
  if (name === needle) return 0;
  if (name.startsWith(needle)) return 1;
  if (
    name.includes(needle) ||
    container.image.toLowerCase().includes(needle) ||
    (projectOf(container)?.toLowerCase().includes(needle) ?? false) ||
    container.container_id.startsWith(needle)
  )
    return 2;
  return undefined;
}

export interface FoundContainers {
  containers: Container[];
  /** Others matched beyond `limit`. */
  more: boolean;
}

/**
 * The containers whose name, image or compose project holds `query` (any case), or whose id
 * starts with it: exact names first, then name prefixes, then the rest, each by name (then host),
 * at most `limit`. Only the best `limit` are kept while scanning, so a query matching the whole
 * fleet sorts no more than them.
 */
export function findContainers(
  containers: Iterable<Container>,
  query: string,
  limit: number,
): FoundContainers {
  const needle = query.toLowerCase();
  const best: Ranked[] = [];
  let matched = 0;
  for (const container of containers) {
    const rank = matchRank(container, needle);
    if (rank === undefined) continue;
    matched += 1;
    const candidate = { rank, container };
    if (best.length === limit && compare(candidate, best[limit - 1]) >= 0) continue;
    best.splice(insertionIndex(best, candidate), 0, candidate);
    if (best.length > limit) best.pop();
  }
  return { containers: best.map((r) => r.container), more: matched > best.length };
}

interface Ranked {
  rank: number;
  container: Container;
}

function compare(a: Ranked, b: Ranked): number {
  return (
    a.rank - b.rank ||
    compareText(a.container.name, b.container.name) ||
    compareText(a.container.host_id, b.container.host_id) ||
    compareText(a.container.container_id, b.container.container_id)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where `item` goes in the sorted `list` (binary search). */
function insertionIndex(list: readonly Ranked[], item: Ranked): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(list[mid], item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
