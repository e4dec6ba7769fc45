import { checkQuery, QUERY_DESCRIPTORS } from './queryDescriptors';
import { ALL_QUERY_TYPES, type SessionQueryModel } from './queryTypes';

describe('query descriptors', () => {
  it('every query type accepts its own defaults (with a session where it needs one)', () => {
    for (const queryType of ALL_QUERY_TYPES) {
      const d = QUERY_DESCRIPTORS[queryType];
      const q: Partial<SessionQueryModel> = { queryType, sessionId: 's', variable: 'users', ...d.defaults };
      expect([queryType, checkQuery(q)]).toEqual([queryType, undefined]);
      for (const field of Object.keys(d.defaults)) {
        expect(d.fields).toContain(field);
      }
    }
  });

  it('names the field and what it must be for the API, in the editor words for the editor', () => {
    expect(checkQuery({ queryType: 'bogus' as never })).toEqual({
      field: 'queryType',
      message:
        "unknown queryType 'bogus' (known: sessions, meetings, summary, users, errors, failureRates, events, quality, largeSession, fleet, annotations, variables, issues, attribution, scores, baseline, repro)",
      hint: 'Choose a query type',
    });
    expect(checkQuery({ queryType: 'events' })).toEqual({
      field: 'sessionId',
      message: 'events needs a sessionId',
      hint: 'Choose a session (or a variable such as $session)',
    });
    expect(checkQuery({ queryType: 'sessions', limit: 5001 })).toEqual({
      field: 'limit',
      message: "limit must be a whole number from 1 to 5000, got '5001'",
      hint: 'Limit must be a whole number from 1 to 5000',
    });
    expect(checkQuery({ queryType: 'fleet', role: 'viewer' as never })).toEqual({
      field: 'role',
      message: "role must be one of publisher, subscriber, got 'viewer'",
      hint: "Unknown role 'viewer'",
    });
    expect(checkQuery({ queryType: 'quality', sessionId: 's', metrics: ['lossPct', 'mos' as never] })?.message).toBe(
      'unknown metrics: mos (known: bitrateKbps, lossPct, rttMs, jitterMs, frameRate, frameHeight)'
    );
    expect(checkQuery({ queryType: 'sessions', hasErrors: 'yes' as never })?.message).toBe(
      "hasErrors must be true or false, got 'yes'"
    );
    expect(checkQuery({ queryType: 'variables' })?.message).toBe(
      'variable must be one of projects, sessions, meetings, users, streams'
    );
    expect(checkQuery({ queryType: 'variables', variable: 'meetings' })?.message).toBe('variables needs a sessionId');
  });

  it('checks only the fields the query type reads', () => {
    expect(checkQuery({ queryType: 'fleet', limit: -1, sessionId: 7 as never })).toBeUndefined();
    expect(checkQuery({ queryType: 'sessions', groupBy: 'city' as never })).toBeUndefined();
    expect(checkQuery({ queryType: 'fleet', groupBy: 'city' as never })?.field).toBe('groupBy');
  });
});
