import { Limits } from './thresholds';

/**
 * The event log's stacked + / - text filter (I7), one grammar for the collector (the `events`
 * and `annotations` queries' `textFilter`) and the frontend (the Inspector's filter bar and the
 * event log panel, which filters frames a dashboard already holds).
 *
 * Terms are separated by spaces: `+term` (or a bare term) keeps only events that have it, `-term`
 * drops events that have it; terms stack (every + must match, no - may). Matching is
 * case-insensitive and by word start: `connect` matches "Connect" and "connection" but not
 * "disconnect" or "reconnected". A term with punctuation (an id such as `u-1`) matches
 * consecutive words. A term without a letter or digit (`+.`) names nothing and is ignored.
 * Filters are bounded (`Limits.textFilterMaxChars`, `Limits.textFilterMaxTerms`) and matched in
 * one substring search per term, so a hostile filter cannot hold the collector's event loop.
 */
export interface FilterTerm {
  sign: '+' | '-';
  term: string;
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);
}

/** Why a filter text is refused (too long, too many terms), or undefined. */
export function filterProblem(text: string): string | undefined {
  if (text.length > Limits.textFilterMaxChars) {
    return `must be at most ${Limits.textFilterMaxChars} characters (got ${text.length})`;
  }
  const terms = text.trim() === '' ? 0 : text.trim().split(/\s+/).length;
  if (terms > Limits.textFilterMaxTerms) {
    return `has ${terms} terms; at most ${Limits.textFilterMaxTerms} are allowed`;
  }
  return undefined;
}

export function parseFilter(text: string | undefined): FilterTerm[] {
  const terms: FilterTerm[] = [];
  for (const raw of (text ?? '').trim().split(/\s+/)) {
    const term = raw.replace(/^[+-]/, '');
    if (words(term).length > 0) {
      terms.push({ sign: raw.startsWith('-') ? '-' : '+', term });
    }
  }
  return terms;
}

/** The text form the queries' `textFilter` takes (`+connect -attempt`). */
export function formatFilter(terms: FilterTerm[]): string {
  return terms.map((t) => `${t.sign}${t.term}`).join(' ');
}

/** Adds a term typed by the user ("connect", "+connect" or "-attempt"); the same term replaces its twin. */
export function addTerm(terms: FilterTerm[], typed: string, sign: '+' | '-' = '+'): FilterTerm[] {
  const added = parseFilter(/^[+-]/.test(typed.trim()) ? typed : `${sign}${typed.trim()}`);
  const names = new Set(added.map((t) => t.term.toLowerCase()));
  return [...terms.filter((t) => !names.has(t.term.toLowerCase())), ...added];
}

export function removeTerm(terms: FilterTerm[], index: number): FilterTerm[] {
  return terms.filter((_, i) => i !== index);
}

/** " w1 w2 w3": a term's words " a b" occur in it where they are consecutive words, the last one by its start. */
const spaced = (text: string) => ` ${words(text).join(' ')}`;

/** Every + term must match and no - term may. */
export function matchesFilter(text: string, terms: FilterTerm[]): boolean {
  if (terms.length === 0) {
    return true;
  }
  const ws = spaced(text);
  return terms.every((t) => ws.includes(spaced(t.term)) === (t.sign === '+'));
}
