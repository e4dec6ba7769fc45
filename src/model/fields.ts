/** Field names of the frames the collector returns; panels and dashboards key on these. */
export const Fields = {
  time: 'time',
  sessionId: 'sessionId',
  project: 'project',
  callType: 'callType',
  start: 'start',
  end: 'end',
  durationS: 'durationS',
  connections: 'connections',
  users: 'users',
  streams: 'streams',
  subscribers: 'subscribers',
  errors: 'errors',
  savedName: 'savedName',
  tags: 'tags',
  /** sessions: the lowest rating a user gave the call (1-5), empty when unrated. */
  rating: 'rating',
  /** sessions: the share (%) of quality samples with a poor network, empty without samples. */
  poorPct: 'poorPct',
  userId: 'userId',
  streamId: 'streamId',
  role: 'role',
  media: 'media',
  bitrateKbps: 'bitrateKbps',
  lossPct: 'lossPct',
  rttMs: 'rttMs',
} as const;

/** Labels on quality series, for multi-dimensional alert rules and legends. */
export const QualityLabels = {
  sessionId: 'session',
  userId: 'user',
  streamId: 'stream',
  role: 'role',
  media: 'media',
  subscriberId: 'subscriber',
  /** Where the samples came from (src/model/sources.ts): one series per source. */
  source: 'source',
} as const;
