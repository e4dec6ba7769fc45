import { QUERY_MODEL_VERSION } from '../model';
import { mockDataSource, mockQuery } from '../test/mocks';
import { migrateQuery, queryProblem } from './queryModel';

describe('SessionDataSource', () => {
  it('interpolates template variables in every string field', () => {
    const ds = mockDataSource({ session: '1_MX4abc', project: 'demo', user: 'alice' });
    const q = ds.applyTemplateVariables(
      mockQuery({ queryType: 'quality', sessionId: '$session', project: '${project}', userId: '$user', streamId: 'st-$user' }),
      {}
    );
    expect(q).toMatchObject({ sessionId: '1_MX4abc', project: 'demo', userId: 'alice', streamId: 'st-alice' });
  });

  it('leaves unknown variables and non-string fields alone', () => {
    const ds = mockDataSource({});
    const q = ds.applyTemplateVariables(mockQuery({ sessionIdPrefix: '$nope', limit: 5 }), {});
    expect(q.sessionIdPrefix).toBe('$nope');
    expect(q.limit).toBe(5);
  });

  it('filters out hidden and incomplete queries', () => {
    const ds = mockDataSource();
    expect(ds.filterQuery(mockQuery())).toBe(true);
    expect(ds.filterQuery(mockQuery({ hide: true }))).toBe(false);
    expect(ds.filterQuery(mockQuery({ queryType: 'quality' }))).toBe(false);
    expect(ds.filterQuery(mockQuery({ queryType: 'quality', sessionId: 's' }))).toBe(true);
  });

  it('defaults new queries to the sessions query of the current model version', () => {
    expect(mockDataSource().getDefaultQuery()).toEqual({ queryType: 'sessions', version: QUERY_MODEL_VERSION });
  });

  it('searches sessions through the backend resource, dropping empty parameters', async () => {
    const ds = mockDataSource();
    const spy = jest.spyOn(ds, 'getResource').mockResolvedValue({ from: 1, to: 2, sessions: [] });
    await ds.searchSessions({ q: '', from: 1, to: 2, limit: 10 });
    expect(spy).toHaveBeenCalledWith('sessions', { from: 1, to: 2, limit: 10 });
  });
});

describe('query model', () => {
  it('migrates unversioned queries: stamps the version and drops fields the type does not read', () => {
    const old = { refId: 'B', queryType: 'sessions', sessionId: 'stale', hasErrors: true } as const;
    expect(migrateQuery(old)).toEqual({ refId: 'B', queryType: 'sessions', hasErrors: true, version: QUERY_MODEL_VERSION });
    expect(migrateQuery({ refId: 'C' })).toEqual({ refId: 'C', queryType: 'sessions', version: QUERY_MODEL_VERSION });
  });

  it('leaves current queries untouched', () => {
    const q = mockQuery({ queryType: 'quality', sessionId: 's', metrics: ['lossPct'] });
    expect(migrateQuery(q)).toBe(q);
  });

  it('explains what a query lacks', () => {
    expect(queryProblem({ queryType: 'quality' })).toMatch(/session id/);
    expect(queryProblem({ queryType: 'sessions', limit: 0 })).toMatch(/Limit/);
    expect(queryProblem({ queryType: 'sessions' })).toBeUndefined();
  });
});
