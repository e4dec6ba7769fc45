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
  /**
   * Sessions list: a session is fair when more than this share (%) of its quality samples had a
   * poor network (loss over `lossBadPct` or round trip over `latencyHighMs`), poor above the next.
   */
  sessionPoorSamplesFairPct: 5,
  sessionPoorSamplesPoorPct: 20,
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
  /**
   * Quality answers (issue 12): series times points per metric at most this many, the buckets
   * widened to fit (a 1,000-subscriber hour at 5 s sampling would otherwise be 80 MB), and above
   * this many series one wide frame per metric instead of a frame per series (a frame's labels
   * and links cost about 800 bytes, its points 20 each; a 20-person meeting has 800 series).
   */
  qualityPointBudget: 100_000,
  qualityWideSeries: 1000,
  /**
   * A quality query reads samples (finer than a minute) only when its series have at most this
   * many in the range; above, whole minutes from the rollups (a large broadcast's hour is 1.4 M).
   */
  qualityRawSamples: 100_000,
  /**
   * Sort memory for a quality query over the rollups (PostgreSQL's default is 4 MB): a large
   * broadcast's 60,000 buckets sort in memory instead of spilling to disk.
   */
  qualityWorkMemMb: 64,
  /**
   * Fleet quality over at least this range (a dashboard's hours, not an alert rule's minute) reads
   * the per-minute rollups: its percentiles are over each stream's minute means, in buckets of
   * whole minutes, instead of over every sample of every session in range.
   */
  fleetMinutesFromMs: 60 * 60 * 1000,
  /**
   * Subscriber heatmap: a sample stands for the time since the one before it (stats are deltas),
   * so it fills the empty columns back to that one, over a gap of at most this long.
   */
  heatmapSampleCoverMs: 60_000,
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
  /** A dump's text once gunzipped (a small gzip can hold gigabytes: a zip bomb). */
  maxImportTextBytes: 1024 * 1024 * 1024,
  /**
   * A dump of at most this much text keeps its parsed entries from the import's first pass to its
   * second, instead of parsing again (parsing was a third of a small dump's import); parsed, the
   * text takes several times its size in memory, so larger dumps are read twice.
   */
  importReuseTextBytes: 4 * 1024 * 1024,
  /** A dump file of at most this many bytes is read in one read, not streamed. */
  importWholeReadBytes: 4 * 1024 * 1024,
  /** Text read before a dump's format must be recognised (leading white space included). */
  maxImportDetectBytes: 1024 * 1024,
  /** One line of an rtcstats dump. */
  maxImportLineBytes: 64 * 1024 * 1024,
  /** Longest id a client may send (session, user, connection, stream, project). */
  maxIdChars: 256,
  /** Deepest nesting of any JSON a client sends (an event's `detail`, a query): deeper is a 400. */
  maxJsonDepth: 32,
  /** Queries in one `POST /api/v1/query`. */
  maxQueriesPerRequest: 50,
  /** Time buckets a query may ask for (`maxDataPoints` above this is lowered to it). */
  maxDataPoints: 100_000,
  /** Rows a sessions search returns at most (`limit`). */
  maxSessionsLimit: 5000,
  /** Ingest backpressure: a batch admitted now waits at most about this long for its turn (else 429). */
  ingestMaxQueueMs: 1000,
  /** Ingest requests admitted at once (reading, waiting or writing), and their bytes. */
  ingestMaxPending: 64,
  ingestMaxPendingBytes: 128 * 1024 * 1024,
  /**
   * Ingest backpressure: while batches are in flight and the collector's event loop runs this
   * late (mean over a second), new batches get 429: queries and refusals wait on the same loop.
   */
  ingestMaxLoopDelayMs: 50,
  /** Batches written at once on PostgreSQL (its ingest connections); PGlite writes one at a time. */
  ingestWritersPostgres: 4,
  /**
   * Statement texts a process prepares at most (the writes' statements, with parameters; no
   * ingest statement is built from its data, so this is a safeguard): beyond them a statement is
   * parsed and planned on each run, as queries are.
   */
  maxPreparedStatements: 64,
  /** PostgreSQL connections kept for queries, apart from ingest's, so reads never wait behind writes. */
  queryConnectionsPostgres: 8,
  /**
   * After SIGINT / SIGTERM, the collector exits (status 1) if it has not closed within this (or at
   * a second signal): a store stuck in a statement would otherwise keep it running for good.
   */
  shutdownTimeoutMs: 30_000,
  /**
   * Closing, the collector lets requests in progress finish for this long, then drops the
   * connections still open: a client that stopped half-way through sending a request would hold
   * the close until the request timeout. Handlers still running finish their writes.
   */
  shutdownGraceMs: 5_000,
  /** A request's headers and body must arrive within this (slow clients are cut off with 408). */
  requestTimeoutMs: 60_000,
  /** Open connections at most; more are refused at once. */
  maxConnections: 1024,
  /** PGlite's PostgreSQL shared_buffers: its WebAssembly memory never shrinks, so this stays small. */
  pgliteSharedBuffers: '32MB',
  /**
   * What PGLITE_SHARED_BUFFERS may be, in kB: PostgreSQL's least (16 pages of 8 kB) and the most
   * PGlite starts with (its WebAssembly memory is at most 2 GB and holds the rest of PostgreSQL
   * too; 2GB of buffers fails with "PGlite failed to initialize properly").
   */
  pgliteSharedBuffersKb: { min: 128, max: 1024 * 1024 },
  /**
   * PGlite has no autovacuum: the store analyses the tables writes changed enough (autovacuum's
   * rule) once no write has come for this long, so a bulk load is not analysed batch by batch...
   */
  pgliteAnalyzeIdleMs: 3000,
  /** ...and at the latest this long after the first write not analysed yet: live ingest never pauses. */
  pgliteAnalyzeMaxWaitMs: 60_000,
  /** The event log's text filter: characters and terms. */
  textFilterMaxChars: 1000,
  textFilterMaxTerms: 32,
  /** Alerts read from one Grafana webhook notification (B6); the rest are reported as skipped. */
  alertsPerNotification: 500,
} as const;
