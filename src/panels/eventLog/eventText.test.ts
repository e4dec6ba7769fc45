import { matchesFilter, parseFilter } from '../../utils/textFilter';
import { eventText } from './eventText';

describe('event log panel filtering', () => {
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
});
