/**
 * The event log's text filter (Inspector I7): terms separated by spaces, `+term` (or a bare
 * term) keeps only events that have it, `-term` drops events that have it; terms stack (every
 * include must match, no exclude may). Matching is case-insensitive and by word start: a term
 * matches a word of the event's text that begins with it, so `connect` matches "Connect" and
 * "connection" but not "disconnect" or "reconnected".
 */
export interface TextFilter {
  include: string[];
  exclude: string[];
}

export function parseTextFilter(text: string | undefined): TextFilter {
  const filter: TextFilter = { include: [], exclude: [] };
  for (const raw of (text ?? '').trim().split(/\s+/)) {
    const term = raw.replace(/^[+-]/, '').toLowerCase();
    if (!term) {
      continue;
    }
    (raw.startsWith('-') ? filter.exclude : filter.include).push(term);
  }
  return filter;
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);
}

export function matchesTextFilter(text: string, filter: TextFilter): boolean {
  if (filter.include.length === 0 && filter.exclude.length === 0) {
    return true;
  }
  const ws = words(text);
  const has = (term: string) => {
    const parts = words(term);
    // A term with punctuation (e.g. an id "u-1") must match consecutive words.
    return ws.some((_, i) =>
      parts.every((p, j) => (j === parts.length - 1 ? ws[i + j]?.startsWith(p) : ws[i + j] === p))
    );
  };
  return filter.include.every(has) && !filter.exclude.some(has);
}
