export const testIds = {
  queryEditor: {
    queryType: 'data-testid si-query-type',
    project: 'data-testid si-project',
    sessionId: 'data-testid si-session-id',
    sessionIdPrefix: 'data-testid si-session-prefix',
    hasErrors: 'data-testid si-has-errors',
    callType: 'data-testid si-call-type',
    minSize: 'data-testid si-min-size',
    limit: 'data-testid si-limit',
    userId: 'data-testid si-user-id',
    streamId: 'data-testid si-stream-id',
    role: 'data-testid si-role',
    media: 'data-testid si-media',
    metrics: 'data-testid si-metrics',
    problem: 'data-testid si-problem',
  },
  configEditor: {
    collectorUrl: 'data-testid si-collector-url',
    readToken: 'data-testid si-read-token',
    timeout: 'data-testid si-timeout',
  },
};
