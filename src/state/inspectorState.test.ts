import { INSPECTOR_PATH } from '../model';
import { inspectorSearch, inspectorUrl, parseInspectorState } from './inspectorState';

describe('Inspector URL state', () => {
  it('reads project, meeting, user, zoom, filter and hidden series', () => {
    const state = parseInspectorState(
      '?project=demo&meeting=m2&user=u-1&from=1000&to=2000&filter=%2Bconnect%20-attempt&hide=subscribers,sip'
    );
    expect(state).toEqual({
      project: 'demo',
      meeting: 'm2',
      user: 'u-1',
      from: 1000,
      to: 2000,
      filter: '+connect -attempt',
      hide: ['subscribers', 'sip'],
    });
  });

  it('drops a zoom that is not a range and unknown series kinds', () => {
    expect(parseInspectorState('from=2000&to=1000')).toMatchObject({ from: undefined, to: undefined });
    expect(parseInspectorState('from=abc&to=1000')).toMatchObject({ from: undefined, to: undefined });
    expect(parseInspectorState('from=1000')).toMatchObject({ from: undefined, to: undefined });
    expect(parseInspectorState('hide=video,bogus').hide).toEqual(['video']);
  });

  it('writes only what is set, and round-trips', () => {
    expect(inspectorSearch({ hide: [] })).toBe('');
    const state = {
      project: 'demo',
      user: 'u 1',
      from: 1000.4,
      to: 2000.6,
      filter: '-attempt',
      hide: ['audio' as const],
    };
    const search = inspectorSearch(state);
    expect(search).toBe('project=demo&user=u+1&from=1000&to=2001&filter=-attempt&hide=audio');
    expect(parseInspectorState(search)).toEqual({ ...state, meeting: undefined, from: 1000, to: 2001 });
  });

  it('builds the route data links point to', () => {
    expect(inspectorUrl('1_MX4/a', { project: 'demo', meeting: 'm1' })).toBe(
      `${INSPECTOR_PATH}/1_MX4%2Fa?project=demo&meeting=m1`
    );
    expect(inspectorUrl('s1')).toBe(`${INSPECTOR_PATH}/s1`);
  });
});
