/** What every dump format is normalised to before it is mapped to ingest records. */

/** One W3C stats object as read from a dump (fields as the browser named them). */
export type StatsReport = Record<string, unknown>;

/** Every stats object of one peer connection at one moment, keyed by stats id. */
export type StatsMap = Map<string, StatsReport>;

export type TraceEntry =
  | {
      kind: 'call';
      /** API call or event name as rtcstats names it (`create`, `onconnectionstatechange`...). */
      method: string;
      /** Peer connection id, or null for page-level calls (getUserMedia). */
      pc: string | null;
      value: unknown;
      /** Epoch ms. */
      ts: number;
    }
  | { kind: 'stats'; pc: string; stats: StatsMap; ts: number };

/** What the dump says about the browser that wrote it. */
export interface DumpProfile {
  userAgent?: string;
  /** Chromium's rtcstats dump has no user agent string, only userAgentData brands. */
  brands?: Array<{ brand: string; version: string }>;
  platform?: string;
  /** Lines the reader skipped because they are not trace entries (client annotations such as jitsi's `e2eRtt`). */
  skipped?: { lines: number; first: string };
  /** What the reader noticed that the user should know (peer connections that may be missing...). */
  warnings?: string[];
}

/** Records a skipped line in the profile: how many, and which was the first. */
export function noteSkipped(profile: DumpProfile, where: string): void {
  profile.skipped = { lines: (profile.skipped?.lines ?? 0) + 1, first: profile.skipped?.first ?? where };
}

export function noteWarning(profile: DumpProfile, warning: string): void {
  if (!profile.warnings?.includes(warning)) {
    profile.warnings = [...(profile.warnings ?? []), warning];
  }
}

export type DumpFormat = 'rtcstats' | 'rtcstats-v3' | 'webrtc-internals';
