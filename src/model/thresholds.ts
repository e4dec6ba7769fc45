/**
 * Every threshold and limit of the product in one place (defaults; the collector lets
 * operators override them from its environment).
 */
export const Thresholds = {
  videoBitrateLowKbps: 150,
  audioBitrateLowKbps: 25,
  lossWarnPct: 3,
  lossBadPct: 5,
  latencyHighMs: 300,
  /** Alert rules: a session whose connects, publishes or subscribes fail more often than this (failures / attempts). */
  failureRateHigh: 0.25,
} as const;

export const Limits = {
  meetingIdleGapMs: 10 * 60 * 1000,
  retentionDays: 20,
  savedRetentionMonths: 24,
  purgeIntervalMs: 60 * 60 * 1000,
  savedSessionsPerProject: 1000,
  tagsPerSavedSession: 3,
  largeSessionSubscribers: 100,
  maxBatchRecords: 5000,
  maxBodyBytes: 10 * 1024 * 1024,
  /** A dump uploaded to `POST /api/v1/import` (rtcstats or webrtc-internals, gzip'ed or not). */
  maxImportBytes: 200 * 1024 * 1024,
  /** Alerts read from one Grafana webhook notification (B6); the rest are reported as skipped. */
  alertsPerNotification: 500,
} as const;
