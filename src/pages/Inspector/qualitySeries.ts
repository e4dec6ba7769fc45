import type { DataFrame } from '@grafana/data';
import { QualityLabels, QualityMetric, Thresholds } from '../../model';
import type { ChartSeries, Guide } from '../../components/TimeChart/TimeChart';
import type { QualitySeriesKind } from '../../utils/inspectorState';

export interface QualityFrameInfo {
  metric: string;
  role: string;
  media: string;
  user: string;
  stream: string;
  subscriber?: string;
  frame: DataFrame;
}

export function describeFrame(frame: DataFrame): QualityFrameInfo | undefined {
  const value = frame.fields.find((f) => f.type === 'number');
  const labels = value?.labels;
  if (!value || !labels) {
    return undefined;
  }
  return {
    metric: value.name,
    role: labels[QualityLabels.role] ?? '',
    media: labels[QualityLabels.media] ?? '',
    user: labels[QualityLabels.userId] ?? '',
    stream: labels[QualityLabels.streamId] ?? '',
    subscriber: labels[QualityLabels.subscriberId],
    frame,
  };
}

/** Whether a series survives the toggles: video, audio, publishers, subscribers and SIP users. */
export function isShown(info: QualityFrameInfo, hidden: QualitySeriesKind[], sipUsers: Set<string>): boolean {
  const off = new Set(hidden);
  return !(
    (info.media === 'video' && off.has('video')) ||
    (info.media === 'audio' && off.has('audio')) ||
    (info.role === 'publisher' && off.has('publishers')) ||
    (info.role === 'subscriber' && off.has('subscribers')) ||
    (off.has('sip') && sipUsers.has(info.user))
  );
}

export function toChartSeries(info: QualityFrameInfo): ChartSeries {
  const time = info.frame.fields.find((f) => f.type === 'time');
  const value = info.frame.fields.find((f) => f.type === 'number');
  return {
    label: `${info.role === 'publisher' ? 'pub' : 'sub'} ${info.media} ${info.user}${info.subscriber ? ` ← ${info.stream}` : ''}`,
    times: (time?.values ?? []) as number[],
    values: (value?.values ?? []) as Array<number | null>,
  };
}

export const METRIC_CHARTS: Array<{ metric: QualityMetric; title: string; unit: string }> = [
  { metric: QualityMetric.Bitrate, title: 'Bitrate', unit: 'kbps' },
  { metric: QualityMetric.PacketLoss, title: 'Packet loss', unit: '%' },
  { metric: QualityMetric.Latency, title: 'Latency (RTT)', unit: 'ms' },
];

/** I6 guides, from the one thresholds table. */
export function guidesFor(metric: QualityMetric, colors: { warning: string; error: string }): Guide[] {
  switch (metric) {
    case QualityMetric.Bitrate:
      return [
        {
          value: Thresholds.videoBitrateLowKbps,
          label: `video < ${Thresholds.videoBitrateLowKbps} kbps`,
          color: colors.warning,
        },
        {
          value: Thresholds.audioBitrateLowKbps,
          label: `audio < ${Thresholds.audioBitrateLowKbps} kbps`,
          color: colors.error,
        },
      ];
    case QualityMetric.PacketLoss:
      return [
        { value: Thresholds.lossWarnPct, label: `loss > ${Thresholds.lossWarnPct} %`, color: colors.warning },
        { value: Thresholds.lossBadPct, label: `loss > ${Thresholds.lossBadPct} %`, color: colors.error },
      ];
    default:
      return [
        { value: Thresholds.latencyHighMs, label: `latency > ${Thresholds.latencyHighMs} ms`, color: colors.error },
      ];
  }
}
