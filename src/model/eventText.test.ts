import { matchesFilter, parseFilter } from './eventFilter';
import { eventName, eventText } from './eventText';

describe('event text the filter reads', () => {
  const rows = [
    { event: 'Connect Attempt', userId: 'u-1', connectionId: 'u-1-c0' },
    { event: 'Connect Success', userId: 'u-1', connectionId: 'u-1-c0' },
    { event: 'Disconnect', userId: 'u-1', connectionId: 'u-1-c0', reason: 'networkDisconnected' },
    { event: 'Publish Failure', userId: 'u-2', code: '1500', message: 'not connected' },
  ];

  it('reads the name, reason, code and ids, not the free message', () => {
    const keep = (filter: string) =>
      rows.filter((r) => matchesFilter(eventText(r), parseFilter(filter))).map((r) => r.event);
    expect(keep('+connect -attempt')).toEqual(['Connect Success']);
    expect(keep('+1500')).toEqual(['Publish Failure']);
    expect(keep('+network')).toEqual(['Disconnect']);
    expect(keep('-u-1')).toEqual(['Publish Failure']);
  });

  it('names events as the event log shows them, and reads a stored event the same way as a frame row', () => {
    expect(eventName('connect', 'success')).toBe('Connect Success');
    expect(eventName('disconnect', null)).toBe('Disconnect');
    expect(
      eventText({
        event: eventName('subscribe', 'failure'),
        reason: null,
        code: '1600',
        userId: 'u-2',
        connectionId: 'u-2-c0',
        streamId: undefined,
      })
    ).toBe('Subscribe Failure 1600 u-2 u-2-c0');
  });
});
