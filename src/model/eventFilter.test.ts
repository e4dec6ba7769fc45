import { addTerm, formatFilter, matchesFilter, parseFilter, removeTerm } from './eventFilter';

describe('event log text filter', () => {
  it('parses + and - terms, bare terms keep', () => {
    expect(parseFilter('  +connect -attempt  publish ')).toEqual([
      { sign: '+', term: 'connect' },
      { sign: '-', term: 'attempt' },
      { sign: '+', term: 'publish' },
    ]);
    expect(parseFilter(undefined)).toEqual([]);
    expect(parseFilter('+ -')).toEqual([]);
    // A term without a letter or digit names nothing: it neither keeps nor drops.
    expect(parseFilter('+. -, +connect')).toEqual([{ sign: '+', term: 'connect' }]);
  });

  it('formats back to the text the events query takes', () => {
    expect(formatFilter(parseFilter('connect -attempt'))).toBe('+connect -attempt');
  });

  it('stacks typed terms; the same term with the other sign replaces its twin', () => {
    let terms = addTerm([], 'connect');
    terms = addTerm(terms, 'attempt', '-');
    expect(formatFilter(terms)).toBe('+connect -attempt');
    expect(formatFilter(addTerm(terms, '+Attempt'))).toBe('+connect +Attempt');
    expect(formatFilter(removeTerm(terms, 0))).toBe('-attempt');
  });

  it('matches by word start, case-insensitively; every + must match and no - may', () => {
    const terms = parseFilter('+connect -attempt');
    expect(matchesFilter('Connect Success u-1', terms)).toBe(true);
    expect(matchesFilter('Connect Attempt u-1', terms)).toBe(false);
    expect(matchesFilter('Disconnect clientDisconnected', terms)).toBe(false);
    expect(matchesFilter('Publish Failure', parseFilter('+pub'))).toBe(true);
    expect(matchesFilter('anything', [])).toBe(true);
  });

  it('matches ids with punctuation as consecutive words', () => {
    expect(matchesFilter('Subscribe Failure Vxz1-m0-u4 Vxz1-m0-u4-c0', parseFilter('+m0-u4'))).toBe(true);
    expect(matchesFilter('Subscribe Failure Vxz1-m0-u4', parseFilter('+m0-u5'))).toBe(false);
  });
});
