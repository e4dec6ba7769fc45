import { FieldType, toDataFrame } from '@grafana/data';
import { describeFrame, guidesFor, isShown } from './qualitySeries';

const frame = (role: string, media: string, user: string) =>
  toDataFrame({
    fields: [
      { name: 'time', type: FieldType.time, values: [1] },
      { name: 'bitrateKbps', type: FieldType.number, values: [100], labels: { role, media, user, stream: 's' } },
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
});
