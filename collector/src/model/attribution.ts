import type { DegradedSideVerdict, Issue, IssueKind } from '@model';
import type { SeriesStats } from './issueDetection';

/** Issue kinds that say a stream's quality was bad (not a failure to connect). */
const QUALITY: ReadonlySet<IssueKind> = new Set([
  'high-loss',
  'high-latency',
  'low-bitrate',
  'frozen-video',
  'one-way-media',
  'cpu-limited',
  'bandwidth-limited',
]);

/** A subscriber's degraded stream over one stretch of time: its quality issues that overlap, merged. */
export interface Episode {
  subscriberId: string;
  streamId: string;
  userId: string;
  connectionId: string;
  start: number;
  end: number;
  kinds: IssueKind[];
}

export interface Attribution extends Episode {
  verdict: DegradedSideVerdict;
  confidence: 'high' | 'medium' | 'low';
  /** The sentences the verdict rests on. */
  evidence: string[];
  /** The publisher's own send-side issues in the episode. */
  publisherIssues: IssueKind[];
  otherSubscribers: { bad: number; of: number };
  otherStreams: { bad: number; of: number };
  rest: { bad: number; of: number };
}

/** Who received what: one entry per subscription (subscriber id), from its series. */
interface Subscription {
  subscriberId: string;
  streamId: string;
  connectionId: string;
  userId: string;
  first: number;
  last: number;
}

const overlaps = (a: { start: number; end: number }, start: number, end: number) => a.start <= end && start <= a.end;

/** Merges each subscription's overlapping quality issues (audio and video alike) into episodes. */
export function episodes(issues: Issue[]): Episode[] {
  const out: Episode[] = [];
  const bySubscription = new Map<string, Issue[]>();
  for (const i of issues) {
    if (i.role === 'subscriber' && i.subscriberId && i.streamId && QUALITY.has(i.kind)) {
      bySubscription.set(i.subscriberId, [...(bySubscription.get(i.subscriberId) ?? []), i]);
    }
  }
  for (const list of bySubscription.values()) {
    let current: Episode | undefined;
    for (const i of list.sort((a, b) => a.start - b.start)) {
      if (current && i.start <= current.end) {
        current.end = Math.max(current.end, i.end);
        current.kinds = [...new Set([...current.kinds, i.kind])];
        continue;
      }
      current = {
        subscriberId: i.subscriberId as string,
        streamId: i.streamId as string,
        userId: i.userId,
        connectionId: i.connectionId ?? '',
        start: i.start,
        end: i.end,
        kinds: [i.kind],
      };
      out.push(current);
    }
  }
  return out;
}

const share = (x: { bad: number; of: number }) => (x.of > 0 ? x.bad / x.of : undefined);
const count = (x: { bad: number; of: number }, what: string) => `${x.bad} of ${x.of} ${what}`;

/**
 * B3: for each degraded subscriber stream, which side degraded it. The publisher's uplink shows
 * in the publisher's own send-side stats, and every subscriber of its stream suffers; the media
 * server degrades every stream to every subscriber together; a subscriber's downlink degrades
 * every stream that subscriber receives, and no one else's. Each verdict carries the counts it
 * rests on.
 */
export function attribute(issues: Issue[], series: SeriesStats[]): Attribution[] {
  const subscriptions = new Map<string, Subscription>();
  for (const s of series) {
    if (s.role !== 'subscriber' || !s.subscriberId) {
      continue;
    }
    const known = subscriptions.get(s.subscriberId);
    subscriptions.set(s.subscriberId, {
      subscriberId: s.subscriberId,
      streamId: s.streamId,
      connectionId: s.connectionId,
      userId: s.clientId,
      first: Math.min(known?.first ?? Infinity, s.first),
      last: Math.max(known?.last ?? -Infinity, s.last),
    });
  }
  const bad = new Map<string, Issue[]>();
  for (const i of issues) {
    if (QUALITY.has(i.kind) && i.subscriberId) {
      bad.set(i.subscriberId, [...(bad.get(i.subscriberId) ?? []), i]);
    }
  }
  const publisherIssues = issues.filter((i) => i.role === 'publisher' && QUALITY.has(i.kind));
  return episodes(issues).map((e) => {
    const active = [...subscriptions.values()].filter(
      (s) => s.subscriberId !== e.subscriberId && s.first <= e.end && e.start <= s.last
    );
    const tally = (list: Subscription[]) => ({
      bad: list.filter((s) => (bad.get(s.subscriberId) ?? []).some((i) => overlaps(i, e.start, e.end))).length,
      of: list.length,
    });
    const otherSubscribers = tally(active.filter((s) => s.streamId === e.streamId));
    const otherStreams = tally(active.filter((s) => s.connectionId === e.connectionId && s.streamId !== e.streamId));
    const rest = tally(active.filter((s) => s.streamId !== e.streamId && s.connectionId !== e.connectionId));
    const sent = [
      ...new Set(
        publisherIssues.filter((i) => i.streamId === e.streamId && overlaps(i, e.start, e.end)).map((i) => i.kind)
      ),
    ];
    const [o, d, r] = [share(otherSubscribers), share(otherStreams), share(rest)];
    const evidence = [
      sent.length > 0
        ? `the publisher's own send side shows it (${sent.join(', ')})`
        : "the publisher's own send side is clean",
      count(otherSubscribers, 'other subscribers of this stream suffer too'),
      count(otherStreams, 'other streams this subscriber receives suffer too'),
      count(rest, 'other streams to other subscribers suffer too'),
    ];
    let verdict: DegradedSideVerdict;
    let confidence: Attribution['confidence'];
    if (sent.length > 0) {
      verdict = 'publisher';
      confidence = o === undefined || o >= 0.5 ? 'high' : 'medium';
    } else if ((o ?? 0) >= 0.5 && (d ?? 0) >= 0.5 && (r ?? 1) >= 0.5) {
      verdict = 'server';
      confidence = r !== undefined ? 'high' : 'medium';
    } else if ((d ?? 0) >= 0.5 && (o ?? 0) < 0.5) {
      verdict = 'subscriber';
      confidence = o !== undefined ? 'high' : 'medium';
    } else if ((o ?? 0) >= 0.5 && (d ?? 0) < 0.5) {
      verdict = 'publisher';
      confidence = d !== undefined ? 'medium' : 'low';
    } else if (o === undefined && d === undefined) {
      // Nothing to compare with (a one-to-one call): the send side is clean, so the loss is on the way to the subscriber.
      verdict = 'subscriber';
      confidence = 'low';
    } else {
      verdict = 'unclear';
      confidence = 'low';
    }
    return {
      ...e,
      verdict,
      confidence,
      evidence,
      publisherIssues: sent,
      otherSubscribers,
      otherStreams,
      rest,
    };
  });
}
