import React, { useMemo } from 'react';
import type { DataFrame } from '@grafana/data';
import { Alert, Button, Checkbox, Stack, useTheme2 } from '@grafana/ui';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { TimeChart, type Marker } from '../../components/TimeChart/TimeChart';
import { testIds } from '../../components/testIds';
import { frameNamed, frameRows, seriesFrames, str } from '../../dataAccess/frames';
import { formatTime } from '../../components/format';
import { QUALITY_SERIES_KINDS, type QualitySeriesKind } from '../../state/inspectorState';
import { useQueries } from '../../dataAccess/useQueries';
import { QualityLegend } from './QualityLegend';
import {
  describeFrame,
  guidesFor,
  isShown,
  publisherRules,
  QUALITY_CHARTS,
  RULE_TEXT,
  toChartSeries,
  userColors,
  type QualityFrameInfo,
} from './qualitySeries';
import { scopedQuery, type InspectorScope } from './scope';
import { timelineMarks, type TimelineMark } from './timelineMarks';

interface Props {
  scope: InspectorScope;
  roster: DataFrame[];
  /** Large sessions chart publishers here; their subscribers are in the heatmap. */
  large: boolean;
  hidden: QualitySeriesKind[];
  onHiddenChange: (hidden: QualitySeriesKind[]) => void;
  onZoom: (from: number, to: number) => void;
}

const KIND_LABELS: Record<QualitySeriesKind, string> = {
  video: 'Video',
  audio: 'Audio',
  publishers: 'Publishers',
  subscribers: 'Subscribers',
  sip: 'SIP users',
};

function Charts({
  infos,
  scope,
  hidden,
  sipUsers,
  markers,
  onZoom,
}: {
  infos: QualityFrameInfo[];
  scope: InspectorScope;
  hidden: QualitySeriesKind[];
  sipUsers: Set<string>;
  markers: Marker[];
  onZoom: Props['onZoom'];
}) {
  const theme = useTheme2();
  const { charts, colors, shownInfos } = useMemo(() => {
    const guideColors = { warning: theme.colors.warning.main, error: theme.colors.error.main };
    const visible = infos.filter((i) => isShown(i, hidden, sipUsers));
    const byUser = userColors(visible, theme.visualization.palette);
    return {
      colors: byUser,
      shownInfos: visible,
      charts: QUALITY_CHARTS.map((c) => {
        const shown = visible.filter((i) => i.metric === c.metric && (!c.media || i.media === c.media));
        return {
          ...c,
          guides: guidesFor(c.metric, guideColors, c.media),
          series: shown.map((i) => toChartSeries(i, byUser.get(i.user))),
          publishers: shown.filter((i) => i.role === 'publisher').length,
          subscribers: shown.filter((i) => i.role === 'subscriber').length,
          audio: shown.filter((i) => i.media === 'audio').length,
          video: shown.filter((i) => i.media === 'video').length,
        };
      }),
    };
  }, [infos, hidden, sipUsers, theme]);
  return (
    <>
      <QualityLegend infos={shownInfos} colors={colors} />
      {charts.map((c) => (
        <TimeChart
          key={c.id}
          testId={testIds.inspector.qualityChart(c.id)}
          title={c.title}
          unit={c.unit}
          series={c.series}
          guides={c.guides}
          markers={markers}
          range={scope.range}
          onZoom={onZoom}
          seriesLegend={false}
          dataAttributes={{ publishers: c.publishers, subscribers: c.subscribers, audio: c.audio, video: c.video }}
        />
      ))}
    </>
  );
}

/** U1: users' ratings and apps' marks in the range, listed under the charts that draw them. */
function TimelineList({ marks }: { marks: TimelineMark[] }) {
  return (
    <ul data-testid={testIds.inspector.timelineMarks} aria-label="Ratings and marks">
      {marks.map((m, i) => (
        <li key={i} data-kind={m.kind} data-time={m.time}>
          {formatTime(m.time)} · {m.user}: {m.label}
          {m.kind === 'rating' && m.text ? ` "${m.text}"` : ''}
        </li>
      ))}
    </ul>
  );
}

/** I6: bitrate, loss and latency per user and stream, with toggles, guides, ratings and marks, drag-to-zoom. */
export function QualityModule({ scope, roster, large, hidden, onHiddenChange, onZoom }: Props) {
  const theme = useTheme2();
  const charted = useQueries(
    scope.ds,
    [scopedQuery(scope, 'quality', 'quality', large ? { role: 'publisher' } : {})],
    scope.range,
    300
  );
  const states = useQueries(
    scope.ds,
    [
      scopedQuery(scope, 'ratings', 'events', { textFilter: '+rating' }),
      scopedQuery(scope, 'marks', 'events', { textFilter: '+mark' }),
    ],
    scope.range
  );
  const state = charted.quality;
  // Keyed by their content, like the SIP ids below: the charts are redrawn only when the marks change.
  const marksKey = JSON.stringify(
    timelineMarks(
      [states.ratings, states.marks].flatMap((x) => (x.status === 'done' ? x.frames : [])),
      { good: theme.colors.success.text, bad: theme.colors.error.text, mark: theme.colors.info.text }
    )
  );
  const marks = useMemo(() => JSON.parse(marksKey) as TimelineMark[], [marksKey]);
  const infos = useMemo(
    () =>
      state.status === 'done'
        ? seriesFrames(state.frames)
            .map(describeFrame)
            .filter((x): x is QualityFrameInfo => x !== undefined)
        : [],
    [state]
  );
  const rules = useMemo(() => publisherRules(infos), [infos]);
  // Keyed by the SIP ids themselves: the roster arriving again must not redraw the charts.
  const sipKey = frameRows(frameNamed(roster, 'users'))
    .filter((u) => str(u.endpoint) === 'SIP')
    .map((u) => str(u.userId))
    .join('\n');
  const sipUsers = useMemo(() => new Set(sipKey ? sipKey.split('\n') : []), [sipKey]);
  const toggle = (kind: QualitySeriesKind, on: boolean) =>
    onHiddenChange(on ? hidden.filter((k) => k !== kind) : [...hidden, kind]);
  const zoomIn = () => {
    const quarter = (scope.range.to - scope.range.from) / 4;
    onZoom(scope.range.from + quarter, scope.range.to - quarter);
  };
  return (
    <Stack direction="column" gap={1}>
      <div data-testid={testIds.inspector.quality}>
        <Stack gap={2} alignItems="center" wrap="wrap">
          {QUALITY_SERIES_KINDS.map((kind) => (
            <Checkbox
              key={kind}
              label={KIND_LABELS[kind]}
              value={!hidden.includes(kind)}
              onChange={(e) => toggle(kind, e.currentTarget.checked)}
            />
          ))}
          <Button size="sm" variant="secondary" icon="search-plus" onClick={zoomIn}>
            Zoom in
          </Button>
        </Stack>
      </div>
      <Alert severity="info" title="Which publisher-quality rule applies" data-testid={testIds.inspector.qualityNote}>
        <p>
          Publisher video without scalable video (simulcast or SVC) shows the worst subscriber&apos;s view of it; with
          scalable video, the publisher-to-media-router link. Publisher audio always shows the worst subscriber.
          {large &&
            ' This session has more than 100 subscribers: subscribers are in the heatmap above, every one of them.'}
        </p>
        {rules.length > 0 && (
          <ul>
            {rules.map((r) => (
              <li key={`${r.media}-${r.rule}`} data-rule={r.rule} data-media={r.media}>
                In this range, {r.streams} publisher {r.media} stream{r.streams === 1 ? '' : 's'}: {RULE_TEXT[r.rule]}
              </li>
            ))}
          </ul>
        )}
      </Alert>
      <ModuleBody state={state} title="Quality metrics" empty="No quality sample in this range.">
        {() => (
          <Charts infos={infos} scope={scope} hidden={hidden} sipUsers={sipUsers} markers={marks} onZoom={onZoom} />
        )}
      </ModuleBody>
      {marks.length > 0 && <TimelineList marks={marks} />}
    </Stack>
  );
}
