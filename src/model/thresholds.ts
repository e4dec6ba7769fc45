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
  /** Issue tags: latency over this is critical, not a warning. */
  latencyBadMs: 600,
  /**
   * Issue tags: below this frame height the low-bitrate line scales down with the pixel count
   * (a 320x180 thumbnail layer is sharp at a quarter of the bitrate of 640x360).
   */
  videoBitrateFullHeight: 360,
  /** Issue tags: a received video under this frame rate is frozen. */
  frozenFrameRate: 1,
  /**
   * Issue tags: a sender's first seconds are its bandwidth estimate ramping up, when every
   * encoder reports itself bandwidth-limited; limitations are counted after them.
   */
  rampUpMs: 20000,
  /**
   * Video scores (1-5): fair below this, poor below the next. A 1280x720 stream at
   * `videoBitrateLowKbps` scores poor; 640x360 at 20 fps with enough bitrate scores good.
   * (Audio MOS bands follow from the loss lines: see collector/src/model/scores.ts.)
   */
  videoScoreFair: 3.5,
  videoScorePoor: 2.5,
  /** Baselines (B5): a metric this far (%) from the cohort's median, for the worse, makes the sentence. */
  baselineDeviationPct: 20,
  /** Issue tags: a threshold must be broken by this many consecutive samples... */
  issueMinSamples: 2,
  /** ...spanning at least this long (a sample covers the interval since the one before). */
  issueMinDurationMs: 5000,
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
  /** Baselines (B5): the days before a session its cohorts are compared with, and how many cohorts. */
  baselineDays: 7,
  baselineCohorts: 10,
  /**
   * Reproduction kits (B7): the bad minutes are widened by a margin on each side and replayed in
   * at most so many steps, each at least so long.
   */
  reproMarginMs: 60_000,
  reproMaxSteps: 60,
  reproMinStepMs: 10_000,
  maxBatchRecords: 5000,
  maxBodyBytes: 10 * 1024 * 1024,
  /** A dump uploaded to `POST /api/v1/import` (rtcstats or webrtc-internals, gzip'ed or not). */
  maxImportBytes: 200 * 1024 * 1024,
} as const;
