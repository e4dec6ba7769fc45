import type { DataFrame } from '@grafana/data';
import { PublisherQualityRule, QualityLabels, QualityMetric, Thresholds } from '../../model';
import type { ChartSeries, Guide } from '../../components/TimeChart/TimeChart';
import type { QualitySeriesKind } from '../../state/inspectorState';

export interface QualityFrameInfo {
  metric: string;
  role: string;
  media: string;
  user: string;
  stream: string;
  subscriber?: string;
  /** Publisher series: which link the collector says they describe (I6). */
  rule?: PublisherQualityRule;
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
    rule: (frame.meta?.custom as { publisherRule?: PublisherQualityRule } | undefined)?.publisherRule,
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

/** Who a series is, in words: user, role, media and stream (and whose stream a subscriber gets). */
export function describeSeries(info: QualityFrameInfo): string {
  const stream = info.role === 'publisher' ? `publishes ${info.stream}` : `receives ${info.stream}`;
  return `${info.user} · ${info.media} · ${stream}`;
}

/** One colour per user, in the order users first appear: a user's lines share it. */
export function userColors(infos: QualityFrameInfo[], palette: string[]): Map<string, string> {
  const colors = new Map<string, string>();
  for (const user of [...new Set(infos.map((i) => i.user))].sort()) {
    colors.set(user, palette[colors.size % palette.length]);
  }
  return colors;
}

/** A series drawn in its user's colour: solid when published, dashed when received. */
export function toChartSeries(info: QualityFrameInfo, color?: string): ChartSeries {
  const time = info.frame.fields.find((f) => f.type === 'time');
  const value = info.frame.fields.find((f) => f.type === 'number');
  return {
    label: describeSeries(info),
    times: (time?.values ?? []) as number[],
    values: (value?.values ?? []) as Array<number | null>,
    color,
    dash: info.role === 'subscriber' ? [5, 3] : undefined,
  };
}

export interface QualityChart {
  /** Test id suffix and React key. */
  id: string;
  metric: QualityMetric;
  /** Only this media: audio and video bitrates differ tenfold, so each has its own axis. */
  media?: 'audio' | 'video';
  title: string;
  unit: string;
}

export const QUALITY_CHARTS: QualityChart[] = [
  { id: 'bitrateKbps-video', metric: QualityMetric.Bitrate, media: 'video', title: 'Video bitrate', unit: 'kbps' },
  { id: 'bitrateKbps-audio', metric: QualityMetric.Bitrate, media: 'audio', title: 'Audio bitrate', unit: 'kbps' },
  { id: 'lossPct', metric: QualityMetric.PacketLoss, title: 'Packet loss', unit: '%' },
  { id: 'rttMs', metric: QualityMetric.Latency, title: 'Latency (RTT)', unit: 'ms' },
];

/** I6 guides, from the one thresholds table; a bitrate chart gets its own media's guide. */
export function guidesFor(
  metric: QualityMetric,
  colors: { warning: string; error: string },
  media?: 'audio' | 'video'
): Guide[] {
  switch (metric) {
    case QualityMetric.Bitrate:
      return [
        {
          media: 'video',
          value: Thresholds.videoBitrateLowKbps,
          label: `video < ${Thresholds.videoBitrateLowKbps} kbps`,
          color: colors.warning,
        },
        {
          media: 'audio',
          value: Thresholds.audioBitrateLowKbps,
          label: `audio < ${Thresholds.audioBitrateLowKbps} kbps`,
          color: colors.error,
        },
      ]
        .filter((g) => !media || g.media === media)
        .map(({ value, label, color }) => ({ value, label, color }));
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

export interface RuleCount {
  media: string;
  rule: PublisherQualityRule;
  streams: number;
}

/** Publisher streams per media and rule, for the note saying which rule applies. */
export function publisherRules(infos: QualityFrameInfo[]): RuleCount[] {
  const streams = new Map<string, Set<string>>();
  for (const i of infos) {
    if (i.role === 'publisher' && i.rule) {
      const key = `${i.media}|${i.rule}`;
      streams.set(key, (streams.get(key) ?? new Set()).add(i.stream));
    }
  }
  return [...streams.entries()]
    .map(([key, set]) => {
      const [media, rule] = key.split('|');
      return { media, rule: rule as PublisherQualityRule, streams: set.size };
    })
    .sort((a, b) => a.media.localeCompare(b.media) || a.rule.localeCompare(b.rule));
}

export const RULE_TEXT: Record<PublisherQualityRule, string> = {
  [PublisherQualityRule.WorstSubscriber]: "the worst subscriber's view of it",
  [PublisherQualityRule.PublisherToRouter]: 'the publisher-to-media-router link (scalable video)',
};
