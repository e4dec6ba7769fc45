import { eventName, eventText } from '@model';

/** What the text filter reads of a stored event: the fields its row in the `events` frame shows. */
export function storedEventText(e: {
  action: string;
  variation: string | null;
  reason: string | null;
  code: string | null;
  clientId: string;
  connectionId: string | null;
  streamId: string | null;
}): string {
  return eventText({
    event: eventName(e.action, e.variation),
    reason: e.reason,
    code: e.code,
    userId: e.clientId,
    connectionId: e.connectionId,
    streamId: e.streamId,
  });
}
