import { FieldType, toDataFrame } from '@grafana/data';
import {
  describeFrame,
  describeSeries,
  guidesFor,
  isShown,
  publisherRules,
  toChartSeries,
  userColors,
} from './qualitySeries';

const frame = (role: string, media: string, user: string, publisherRule?: string, stream = 's') =>
  toDataFrame({
    meta: publisherRule ? { custom: { publisherRule } } : undefined,
    fields: [
      { name: 'time', type: FieldType.time, values: [1] },
      { name: 'bitrateKbps', type: FieldType.number, values: [100], labels: { role, media, user, stream } },
    ],
  });

describe('quality series toggles', () => {
  const pubVideo = describeFrame(frame('publisher', 'video', 'u1'))!;
  const subAudio = describeFrame(frame('subscriber', 'audio', 'sip-1'))!;

  it('reads metric and labels', () => {
    expect(pubVideo).toMatchObject({ metric: 'bitrateKbps', role: 'publisher', media: 'video', user: 'u1' });
  });

  it('hides by media, role and SIP user', () => {
    const sip = new Set(['sip-1']);
    expect(isShown(pubVideo, [], sip)).toBe(true);
    expect(isShown(pubVideo, ['video'], sip)).toBe(false);
    expect(isShown(pubVideo, ['subscribers', 'audio', 'sip'], sip)).toBe(true);
    expect(isShown(subAudio, ['subscribers'], sip)).toBe(false);
    expect(isShown(subAudio, ['sip'], sip)).toBe(false);
    expect(isShown(subAudio, ['publishers', 'video'], sip)).toBe(true);
  });

  it('guides come from the thresholds table', () => {
    const colors = { warning: 'w', error: 'e' };
    expect(guidesFor('bitrateKbps', colors).map((g) => g.value)).toEqual([150, 25]);
    expect(guidesFor('lossPct', colors).map((g) => g.value)).toEqual([3, 5]);
    expect(guidesFor('rttMs', colors).map((g) => g.value)).toEqual([300]);
  });

  it('a bitrate chart of one media gets only that media guide', () => {
    const colors = { warning: 'w', error: 'e' };
    expect(guidesFor('bitrateKbps', colors, 'video').map((g) => g.label)).toEqual(['video < 150 kbps']);
    expect(guidesFor('bitrateKbps', colors, 'audio').map((g) => g.label)).toEqual(['audio < 25 kbps']);
  });
});

describe('series by user', () => {
  const infos = [
    frame('publisher', 'video', 'u2', undefined, 's2'),
    frame('subscriber', 'video', 'u1', undefined, 's2'),
    frame('publisher', 'audio', 'u1', undefined, 's1'),
  ].map((f) => describeFrame(f)!);

  it('gives each user one colour, in user order, whatever the series order', () => {
    expect([...userColors(infos, ['green', 'blue', 'red'])]).toEqual([
      ['u1', 'green'],
      ['u2', 'blue'],
    ]);
  });

  it('names user, media and stream, and dashes what a user receives', () => {
    expect(describeSeries(infos[0])).toBe('u2 · video · publishes s2');
    expect(describeSeries(infos[1])).toBe('u1 · video · receives s2');
    expect(toChartSeries(infos[1], 'green')).toMatchObject({ color: 'green', dash: [5, 3] });
    expect(toChartSeries(infos[0], 'blue').dash).toBeUndefined();
  });
});

describe('publisher-quality rule note', () => {
  it('counts publisher streams per media and rule, ignoring subscribers and metrics repeats', () => {
    const infos = [
      frame('publisher', 'video', 'u1', 'publisher-to-router', 's1'),
      frame('publisher', 'video', 'u1', 'publisher-to-router', 's1'),
      frame('publisher', 'video', 'u2', 'worst-subscriber', 's2'),
      frame('publisher', 'audio', 'u1', 'worst-subscriber', 's1'),
      frame('publisher', 'audio', 'u2', 'worst-subscriber', 's2'),
      frame('subscriber', 'video', 'u3', undefined, 's1'),
    ].map((f) => describeFrame(f)!);
    expect(publisherRules(infos)).toEqual([
      { media: 'audio', rule: 'worst-subscriber', streams: 2 },
      { media: 'video', rule: 'publisher-to-router', streams: 1 },
      { media: 'video', rule: 'worst-subscriber', streams: 1 },
    ]);
  });
});
