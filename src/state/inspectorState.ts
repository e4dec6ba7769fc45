import { INSPECTOR_PATH } from '../model';

/**
 * What the Inspector shows, kept in its URL so a link reproduces the view: the route is
 * `/a/rtc-sessioninspector-app/sessions/<sessionId>` and these are its query parameters
 * (data links built by the data source point here with project, meeting, user, from, to).
 */
export interface InspectorState {
  project?: string;
  meeting?: string;
  user?: string;
  /** Zoomed range (epoch ms); absent means the whole session or meeting. */
  from?: number;
  to?: number;
  /** Event log text filter, e.g. `+connect -attempt`. */
  filter?: string;
  /** Quality series toggled off. */
  hide: QualitySeriesKind[];
}

export const QUALITY_SERIES_KINDS = ['video', 'audio', 'publishers', 'subscribers', 'sip'] as const;
export type QualitySeriesKind = (typeof QUALITY_SERIES_KINDS)[number];

function epoch(v: string | null): number | undefined {
  if (v === null || v === '') {
    return undefined;
  }
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export function parseInspectorState(search: string | URLSearchParams): InspectorState {
  const p = typeof search === 'string' ? new URLSearchParams(search) : search;
  const text = (k: string) => p.get(k) || undefined;
  let from = epoch(p.get('from'));
  let to = epoch(p.get('to'));
  if (from === undefined || to === undefined || from >= to) {
    from = undefined;
    to = undefined;
  }
  const hide = (p.get('hide') ?? '')
    .split(',')
    .filter((k): k is QualitySeriesKind => (QUALITY_SERIES_KINDS as readonly string[]).includes(k));
  return {
    project: text('project'),
    meeting: text('meeting'),
    user: text('user'),
    from,
    to,
    filter: text('filter'),
    hide,
  };
}

export function inspectorSearch(state: InspectorState): string {
  const p = new URLSearchParams();
  const put = (k: string, v: string | number | undefined) => v !== undefined && v !== '' && p.set(k, String(v));
  put('project', state.project);
  put('meeting', state.meeting);
  put('user', state.user);
  if (state.from !== undefined && state.to !== undefined) {
    put('from', Math.round(state.from));
    put('to', Math.round(state.to));
  }
  put('filter', state.filter);
  put('hide', state.hide.join(','));
  return p.toString();
}

export function inspectorUrl(sessionId: string, state: Partial<InspectorState> = {}): string {
  const search = inspectorSearch({ hide: [], ...state });
  return `${INSPECTOR_PATH}/${encodeURIComponent(sessionId)}${search ? `?${search}` : ''}`;
}
