/** A user's client columns as the users table stores them. */
export interface ClientColumns {
  sdk: string | null;
  browser: string | null;
  browser_version: string | null;
  sip: boolean;
}

/** Endpoint as the Inspector shows it: browser and major version, the native SDK, or SIP. */
export function endpointOf(u: ClientColumns): string {
  if (u.sip) {
    return 'SIP';
  }
  if (u.browser) {
    return `${u.browser} ${u.browser_version ?? ''}`.trim();
  }
  return u.sdk ?? 'unknown';
}
