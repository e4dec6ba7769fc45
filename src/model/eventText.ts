/** The fields of an `events` frame row that the text filter reads. */
export const EVENT_TEXT_FIELDS = ['event', 'reason', 'code', 'userId', 'connectionId', 'streamId'] as const;
export type EventTextField = (typeof EVENT_TEXT_FIELDS)[number];

const capital = (s: string | null) => (s ? s[0].toUpperCase() + s.slice(1) : '');

/** An event's name as the event log shows it: "Connect Success", "Disconnect". */
export function eventName(action: string, variation: string | null): string {
  return `${capital(action)}${variation ? ` ${capital(variation)}` : ''}`;
}

/**
 * What the + / - text filter (eventFilter.ts) reads of an event: its name, reason, error code and
 * ids. Not the free-text error message, so that `+connect` means connect events, not a publish
 * error saying "not connected"; errors are found by code instead (`+1006`). The collector builds
 * these fields from stored events, the event log panel reads them from frame rows.
 */
export function eventText(e: Partial<Record<EventTextField, unknown>>): string {
  return EVENT_TEXT_FIELDS.map((f) => e[f])
    .filter((v) => v !== null && v !== undefined && v !== '')
    .map(String)
    .join(' ');
}
