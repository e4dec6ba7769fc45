import { lastValueFrom } from 'rxjs';
import { CoreApp, dateTime, FieldType, toDataFrame, type DataQueryRequest } from '@grafana/data';
import { QUERY_MODEL_VERSION } from '../model';
import { mockDataSource, mockQuery } from '../test/mocks';
import { annotationSupport, toAnnotationEvents } from './annotations';
import { migrateQuery, queryProblem } from './queryModel';
import { installFakeBackend, installSlowBackend } from './testing/fakeBackend';
import type { SessionQuery } from './types';

const T = Date.UTC(2026, 10, 20, 12, 0, 0);
const range = { from: dateTime(T - 3_600_000), to: dateTime(T), raw: { from: 'now-1h', to: 'now' } };

function request(targets: SessionQuery[]): DataQueryRequest<SessionQuery> {
  return {
    targets,
    range,
    interval: '1s',
    intervalMs: 1000,
    maxDataPoints: 500,
    scopedVars: {},
    timezone: 'utc',
    app: CoreApp.Dashboard,
    requestId: 'r',
    startTime: T,
  };
}

describe('SessionDataSource', () => {
  it('interpolates template variables in every string field', () => {
    const ds = mockDataSource({ session: '1_MX4abc', project: 'demo', user: 'alice', meeting: 'm2', term: 'connect' });
    const q = ds.applyTemplateVariables(
      mockQuery({
        queryType: 'events',
        sessionId: '$session',
        project: '${project}',
        userId: '$user',
        meetingId: '$meeting',
        textFilter: '+$term',
      }),
      {}
    );
    expect(q).toEqual({
      refId: 'A',
      queryType: 'events',
      version: 1,
      sessionId: '1_MX4abc',
      project: 'demo',
      userId: 'alice',
      meetingId: 'm2',
      textFilter: '+connect',
    });
  });

  it('drops a field whose variable is at "All", so the query is not narrowed by it', () => {
    const ds = mockDataSource({ session: 's-1', meeting: '*', user: '*', stream: 'st-a' });
    const q = ds.applyTemplateVariables(
      mockQuery({
        queryType: 'quality',
        sessionId: '$session',
        meetingId: '$meeting',
        userId: '$user',
        streamId: '$stream',
      }),
      {}
    );
    expect(q).toEqual({ refId: 'A', queryType: 'quality', version: 1, sessionId: 's-1', streamId: 'st-a' });
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
    expect(ds.filterQuery(mockQuery({ queryType: 'variables', variable: 'users' }))).toBe(false);
  });

  it('defaults new queries to the sessions query of the current model version', () => {
    expect(mockDataSource().getDefaultQuery()).toEqual({ queryType: 'sessions', version: QUERY_MODEL_VERSION });
  });

  it('sends queries to the backend interpolated and migrated, one per target', async () => {
    const backend = installFakeBackend(() => []);
    const ds = mockDataSource({ session: 's-1' });
    await lastValueFrom(
      ds.query(
        request([
          { refId: 'A', queryType: 'fleet', fleetMetric: 'lossPct', groupBy: 'stream' },
          { refId: 'B', queryType: 'users', sessionId: '$session', version: 1 },
        ])
      )
    );
    expect(
      backend.sent.map(({ refId, queryType, version, sessionId, groupBy }) => ({
        refId,
        queryType,
        version,
        sessionId,
        groupBy,
      }))
    ).toEqual([
      { refId: 'A', queryType: 'fleet', version: 1, sessionId: undefined, groupBy: 'stream' },
      { refId: 'B', queryType: 'users', version: 1, sessionId: 's-1', groupBy: undefined },
    ]);
    expect(backend.sent[0]).toMatchObject({
      datasource: { uid: 'sessiontelemetry' },
      maxDataPoints: 500,
      intervalMs: 1000,
    });
  });

  it('lists values for the editors through a variables query, text and value', async () => {
    const backend = installFakeBackend();
    const ds = mockDataSource({ session: 's-1' });
    const users = await ds.listValues('users', { project: 'demo', sessionId: '$session' }, range);
    expect(users).toEqual([
      { text: 'alice (label)', value: 'alice' },
      { text: 'bob (label)', value: 'bob' },
    ]);
    expect(backend.sent[0]).toMatchObject({
      queryType: 'variables',
      variable: 'users',
      project: 'demo',
      sessionId: 's-1',
      version: 1,
    });
  });

  it('searches sessions through the backend resource, dropping empty parameters', async () => {
    const ds = mockDataSource();
    const spy = jest.spyOn(ds, 'getResource').mockResolvedValue({ from: 1, to: 2, sessions: [] });
    await ds.searchSessions({ q: '', from: 1, to: 2, limit: 10 });
    expect(spy).toHaveBeenCalledWith('sessions', { from: 1, to: 2, limit: 10 });
  });
});

describe('variable support (G2)', () => {
  it('runs a variable query as a variables query and returns text / value frames', async () => {
    const backend = installFakeBackend();
    const ds = mockDataSource({ project: 'demo', session: 's-1' });
    const variables = ds.variables as { query: (r: DataQueryRequest<SessionQuery>) => ReturnType<typeof ds.query> };
    const res = await lastValueFrom(
      variables.query(request([{ refId: 'var', variable: 'meetings', project: '$project', sessionId: '$session' }]))
    );
    expect(backend.sent[0]).toMatchObject({
      queryType: 'variables',
      variable: 'meetings',
      project: 'demo',
      sessionId: 's-1',
      version: 1,
    });
    const frame = res.data[0];
    expect(frame.fields.map((f: { name: string; values: unknown[] }) => [f.name, f.values])).toEqual([
      ['text', ['m1 (label)', 'm2 (label)']],
      ['value', ['m1', 'm2']],
    ]);
  });

  it('chains: the same query lists the users of whichever session $session holds', async () => {
    installFakeBackend();
    const first = await mockDataSource({ session: 's-1' }).listValues('users', {
      project: 'demo',
      sessionId: '$session',
    });
    const second = await mockDataSource({ session: 's-2' }).listValues('users', {
      project: 'demo',
      sessionId: '$session',
    });
    expect(first.map((v) => v.value)).toEqual(['alice', 'bob']);
    expect(second.map((v) => v.value)).toEqual(['carol']);
  });

  it('two editors listing the same kind at once both get their values (no shared requestId to abort)', async () => {
    const backend = installSlowBackend(20);
    const [first, second] = await Promise.all([
      mockDataSource({ session: 's-1' }).listValues('users', { project: 'demo', sessionId: '$session' }),
      mockDataSource({ session: 's-2' }).listValues('users', { project: 'demo', sessionId: '$session' }),
    ]);
    expect(first.map((v) => v.value)).toEqual(['alice', 'bob']);
    expect(second.map((v) => v.value)).toEqual(['carol']);
    expect(backend.sent).toHaveLength(2);
  });
});

describe('annotations (G3)', () => {
  const frame = toDataFrame({
    fields: [
      { name: 'time', type: FieldType.time, values: [T, T + 5000] },
      { name: 'timeEnd', type: FieldType.time, values: [T, T + 5000] },
      { name: 'title', type: FieldType.string, values: ['connect success', 'subscribe failure (1600)'] },
      {
        name: 'text',
        type: FieldType.string,
        values: ['user alice · session s-1', 'WebRTC subscriber error · user bob · session s-1'],
      },
      { name: 'tags', type: FieldType.string, values: ['connect,s-1', 'subscribe,error,s-1'] },
    ],
  });

  it('maps annotation frames to events: tags split, colour left to the layer', () => {
    expect(toAnnotationEvents([frame])).toEqual([
      {
        time: T,
        timeEnd: T,
        title: 'connect success',
        text: 'user alice · session s-1',
        tags: ['connect', 's-1'],
      },
      {
        time: T + 5000,
        timeEnd: T + 5000,
        title: 'subscribe failure (1600)',
        text: 'WebRTC subscriber error · user bob · session s-1',
        tags: ['subscribe', 'error', 's-1'],
      },
    ]);
  });

  it('processEvents emits the mapped events', async () => {
    const events = await lastValueFrom(
      annotationSupport.processEvents!({ name: 'errors', enable: true, iconColor: 'red' }, [frame])
    );
    expect(events).toHaveLength(2);
  });

  it('starts a new annotation as an annotations query', () => {
    expect(annotationSupport.getDefaultQuery!()).toEqual({ queryType: 'annotations', version: QUERY_MODEL_VERSION });
  });

  it('moves an annotation stored without a target into one', () => {
    const prepared = annotationSupport.prepareAnnotation!({
      name: 'old',
      enable: true,
      iconColor: 'red',
      sessionId: 's-1',
      textFilter: '+failure',
    });
    expect(prepared.target).toEqual({
      refId: 'Anno',
      queryType: 'annotations',
      version: QUERY_MODEL_VERSION,
      sessionId: 's-1',
      textFilter: '+failure',
    });
    const kept = {
      name: 'new',
      enable: true,
      iconColor: 'red',
      target: { refId: 'Anno', queryType: 'annotations' as const, sessionId: 's-2' },
    };
    expect(annotationSupport.prepareAnnotation!(kept)).toBe(kept);
  });

  it('runs the target as an annotations query of the current model version', () => {
    const q = annotationSupport.prepareQuery!({
      name: 'a',
      enable: true,
      iconColor: 'red',
      target: { refId: 'Anno', queryType: 'annotations', sessionId: 's-1', limit: 3 },
    });
    expect(q).toEqual({ refId: 'Anno', queryType: 'annotations', sessionId: 's-1', version: QUERY_MODEL_VERSION });
    expect(annotationSupport.prepareQuery!({ name: 'a', enable: true, iconColor: 'red' })).toBeUndefined();
  });
});

describe('query model', () => {
  it('migrates unversioned queries: stamps the version and drops fields the type does not read', () => {
    const old = { refId: 'B', queryType: 'sessions', sessionId: 'stale', hasErrors: true } as const;
    expect(migrateQuery(old)).toEqual({
      refId: 'B',
      queryType: 'sessions',
      hasErrors: true,
      version: QUERY_MODEL_VERSION,
    });
    expect(migrateQuery({ refId: 'C' })).toEqual({ refId: 'C', queryType: 'sessions', version: QUERY_MODEL_VERSION });
    const fleet = {
      refId: 'D',
      queryType: 'fleet',
      fleetMetric: 'failureRate',
      action: 'publish',
      groupBy: 'session',
      format: 'numeric',
      sessionId: 'x',
    } as const;
    expect(migrateQuery(fleet)).toEqual({
      refId: 'D',
      queryType: 'fleet',
      fleetMetric: 'failureRate',
      action: 'publish',
      groupBy: 'session',
      format: 'numeric',
      version: QUERY_MODEL_VERSION,
    });
  });

  it('leaves current queries untouched', () => {
    const q = mockQuery({ queryType: 'quality', sessionId: 's', metrics: ['lossPct'] });
    expect(migrateQuery(q)).toBe(q);
  });

  it('explains what a query lacks', () => {
    expect(queryProblem({ queryType: 'quality' })).toMatch(/Choose a session/);
    expect(queryProblem({ queryType: 'sessions', limit: 0 })).toMatch(/Limit/);
    expect(queryProblem({ queryType: 'sessions', minSize: -1 })).toMatch(/Min connections/);
    expect(queryProblem({ queryType: 'variables' })).toBe(
      'Choose what to list: projects, sessions, meetings, users, streams'
    );
    expect(queryProblem({ queryType: 'variables', variable: 'streams' })).toBe(
      'Listing streams needs a session (or a variable such as $session)'
    );
    expect(queryProblem({ queryType: 'fleet', groupBy: 'city' as never })).toBe("Cannot group by 'city'");
    expect(queryProblem({ queryType: 'sessions' })).toBeUndefined();
    expect(queryProblem({ queryType: 'fleet', groupBy: 'stream', format: 'numeric' })).toBeUndefined();
  });
});
