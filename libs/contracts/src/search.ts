/**
 * Fleet-wide log search: the agents read Docker's own logs, the gateway merges their matches by
 * time. These bounds keep every part of it finite however much matches.
 */
export const SEARCH_LIMITS = {
  /** Most matches one search returns (`limit`). */
  maxLimit: 10_000,
  defaultLimit: 1_000,
  /** Longest pattern accepted, in characters. */
  maxPatternLength: 512,
  /** Most containers one host is asked to read in one search. */
  maxContainersPerRequest: 1_000,
  /** Most matches in one batch an agent publishes. */
  batchMatches: 200,
  /** Batches an agent may publish ahead of what the gateway has consumed. */
  windowBatches: 4,
  /** A matched line is cut to this many characters. */
  maxLineChars: 8_192,
  /** Searches one socket may run at once. */
  maxSearchesPerSocket: 3,
} as const;

/** The streams a match comes from. */
export const SEARCH_STREAMS = ['stdout', 'stderr'] as const;
export type SearchStream = (typeof SEARCH_STREAMS)[number];

/**
 * Docker timestamps as search records carry them: UTC with nine fraction digits, so comparing
 * two as strings compares them in time.
 */
export const SEARCH_TS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

/** One matching line, as the REST answer and `search_results` carry it. */
export interface SearchMatch {
  host_id: string;
  container_id: string;
  container_name: string;
  ts: string;
  stream: SearchStream;
  line: string;
}

/** The last line of a search (`search_done`). */
export interface SearchSummary {
  done: true;
  matches: number;
  containers_scanned: number;
  bytes_scanned: number;
  truncated: boolean;
  /** Hosts that did not answer in time or failed; their matches may be missing. */
  hosts_failed?: { host_id: string; error: string }[];
}

/** `search_results`: the next matches in time order and the progress so far. */
export interface SearchResultsPayload {
  search_id: string;
  matches: SearchMatch[];
  containers_scanned: number;
  bytes_scanned: number;
}

/**
 * `search_done`: the summary, once per search that started (also after `search_cancel`, a
 * failure — then `error` says why — or the socket's limit).
 */
export type SearchDonePayload = SearchSummary & {
  search_id: string;
  cancelled?: true;
  error?: string;
};
