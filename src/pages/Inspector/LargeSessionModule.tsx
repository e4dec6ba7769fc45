import React, { useMemo } from 'react';
import type { DataFrame } from '@grafana/data';
import { ModuleBody } from '../../components/ModuleState/ModuleState';
import { TimeChart, type ChartSeries } from '../../components/TimeChart/TimeChart';
import { testIds } from '../../components/testIds';
import { QualityMetric } from '../../model';
import { seriesFrames } from '../../dataAccess/frames';
import { useQueries } from '../../dataAccess/useQueries';
import { heatmapColumns, heatmapRows } from './heatmapMatrix';
import { scopedQuery, type InspectorScope } from './scope';
import { SubscriberHeatmap } from './SubscriberHeatmap';

const HEATMAP_COLUMNS = 120;

const TIMELINES = [
  { prefix: 'connect', kind: 'connections', title: 'Connections: attempts, successes, failures' },
  { prefix: 'subscribe', kind: 'subscribers', title: 'Subscribers: attempts, successes, failures' },
] as const;

/** Failures read as failures: red, successes green, attempts a neutral blue. */
const OUTCOME_COLORS: Record<string, string> = { Attempts: 'blue', Successes: 'green', Failures: 'red' };

function timeline(frame: DataFrame | undefined, prefix: 'connect' | 'subscribe'): ChartSeries[] {
  const time = frame?.fields.find((f) => f.type === 'time');
  if (!frame || !time) {
    return [];
  }
  return frame.fields
    .filter((f) => f.name.startsWith(prefix))
    .map((f) => {
      const label = f.name.replace(prefix, '').replace(/s+$/, 's');
      return { label, times: time.values as number[], values: f.values as number[], color: OUTCOME_COLORS[label] };
    });
}

function Timelines({ frames, scope }: { frames: DataFrame[]; scope: InspectorScope }) {
  const frame = frames.find((f) => f.name === 'largeSession');
  const charts = useMemo(() => TIMELINES.map((t) => ({ ...t, series: timeline(frame, t.prefix) })), [frame]);
  return (
    <>
      {charts.map((c) => (
        <TimeChart
          key={c.prefix}
          testId={testIds.inspector.timeline(c.kind)}
          title={c.title}
          unit="count"
          series={c.series}
          range={scope.range}
          height={160}
        />
      ))}
    </>
  );
}

/** I8 + B4: connection and subscriber timelines, and every subscriber in a heatmap. */
export function LargeSessionModule({ scope }: { scope: InspectorScope }) {
  const targets = [
    scopedQuery(scope, 'largeSession', 'largeSession'),
    scopedQuery(scope, 'heatmap', 'quality', {
      role: 'subscriber',
      media: 'video',
      metrics: [QualityMetric.PacketLoss],
    }),
  ];
  const states = useQueries(scope.ds, targets, scope.range, HEATMAP_COLUMNS);
  const answer = states.heatmap;
  // Above 1,000 subscribers the collector answers one wide frame: a frame per subscriber here.
  const heat = useMemo(
    () => (answer.status === 'done' ? { ...answer, frames: seriesFrames(answer.frames) } : answer),
    [answer]
  );
  const columns =
    heat.status === 'done'
      ? heatmapColumns(heat.frames, scope.range.from, scope.range.to, HEATMAP_COLUMNS)
      : HEATMAP_COLUMNS;
  const rows = useMemo(
    () => (heat.status === 'done' ? heatmapRows(heat.frames, scope.range.from, scope.range.to, columns) : []),
    [heat, scope.range, columns]
  );
  return (
    <div data-testid={testIds.inspector.largeSession}>
      <ModuleBody
        state={states.largeSession}
        title="Timelines"
        empty="No connection or subscriber activity in this range."
      >
        {(frames) => <Timelines frames={frames} scope={scope} />}
      </ModuleBody>
      <ModuleBody state={heat} title="Subscriber heatmap" empty="No subscriber quality sample in this range.">
        {() => <SubscriberHeatmap rows={rows} from={scope.range.from} to={scope.range.to} columns={columns} />}
      </ModuleBody>
    </div>
  );
}
