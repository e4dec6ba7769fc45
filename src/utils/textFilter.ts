/**
 * The event log's stacked + / - text filter (I7), as the UI edits it: a list of terms, each
 * kept (+) or dropped (-). Its text form (`+connect -attempt`) is what the `events` query's
 * `textFilter` takes; the collector applies it for pages, and `matchesFilter` applies the same
 * rule in the event log panel to frames a dashboard already holds.
 */
export interface FilterTerm {
  sign: '+' | '-';
  term: string;
}

export function parseFilter(text: string | undefined): FilterTerm[] {
  const terms: FilterTerm[] = [];
  for (const raw of (text ?? '').trim().split(/\s+/)) {
    const term = raw.replace(/^[+-]/, '');
    if (term) {
      terms.push({ sign: raw.startsWith('-') ? '-' : '+', term });
    }
  }
  return terms;
}

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

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}_]+/u)
    .filter(Boolean);
}

/** Word-start, case-insensitive: `connect` matches "Connect" and "connection", not "disconnect". */
function contains(textWords: string[], term: string): boolean {
  const parts = words(term);
  return (
    parts.length > 0 &&
    textWords.some((_, i) =>
      parts.every((p, j) => (j === parts.length - 1 ? textWords[i + j]?.startsWith(p) : textWords[i + j] === p))
    )
  );
}

/** Every + term must match and no - term may. */
export function matchesFilter(text: string, terms: FilterTerm[]): boolean {
  const ws = words(text);
  return terms.every((t) => (t.sign === '+' ? contains(ws, t.term) : !contains(ws, t.term)));
}
