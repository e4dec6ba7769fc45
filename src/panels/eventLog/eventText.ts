import { str, type Row } from '../../utils/frames';

/**
 * What the + / - filter reads of an event row: its name, reason, code and ids, not the free
 * error message (the collector's event filter reads the same, see collector/src/query/events.ts).
 */
export function eventText(e: Row): string {
  return [str(e.event), str(e.reason), str(e.code), str(e.userId), str(e.connectionId), str(e.streamId)]
    .filter(Boolean)
    .join(' ');
}
