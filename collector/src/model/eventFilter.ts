import { Limits } from '@model';
import { unstorableText } from './storable';

/**
 * The event log's text filter (Inspector I7): terms separated by spaces, `+term` (or a bare
 * term) keeps only events that have it, `-term` drops events that have it; terms stack (every
 * include must match, no exclude may). Matching is case-insensitive and by word start: a term
 * matches a word of the event's text that begins with it, so `connect` matches "Connect" and
 * "connection" but not "disconnect" or "reconnected".
 */
export interface TextFilter {
  /** Each term as its words joined by one space: `+user-7` is "user 7". */
  include: string[];
  exclude: string[];
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);
}

/** " w1 w2 w3": a term " a b" matches where it occurs, words whole except the last one's start. */
const spaced = (text: string) => ` ${words(text).join(' ')}`;

/** Why a filter text is refused (too long, too many terms, unstorable text), or undefined. */
export function textFilterProblem(text: string): string | undefined {
  if (text.length > Limits.textFilterMaxChars) {
    return `must be at most ${Limits.textFilterMaxChars} characters (got ${text.length})`;
  }
  const terms = text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
  if (terms > Limits.textFilterMaxTerms) {
    return `has ${terms} terms; at most ${Limits.textFilterMaxTerms} are allowed`;
  }
  return unstorableText(text);
}

/** Parses a filter checked by `textFilterProblem`; each term is split into words once, here. */
export function parseTextFilter(text: string | undefined): TextFilter {
  const filter: TextFilter = { include: [], exclude: [] };
  for (const raw of (text ?? '').trim().split(/\s+/)) {
    const term = words(raw.replace(/^[+-]/, '')).join(' ');
    if (!term) {
      continue;
    }
    (raw.startsWith('-') ? filter.exclude : filter.include).push(term);
  }
  return filter;
}

/**
 * One pass over the event's words per term (a substring search), so the cost is the text's
 * length times the number of terms, both bounded.
 */
export function matchesTextFilter(text: string, filter: TextFilter): boolean {
  if (filter.include.length === 0 && filter.exclude.length === 0) {
    return true;
  }
  const ws = spaced(text);
  // A term with punctuation (e.g. an id "u-1") must match consecutive words.
  const has = (term: string) => ws.includes(` ${term}`);
  return filter.include.every(has) && !filter.exclude.some(has);
}
