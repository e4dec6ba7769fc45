import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, graphql, GraphQLError, type GraphQLSchema } from 'graphql';
import { jwtVerify } from 'jose';

/**
 * A local stand-in for Vonage's Video Insights API (we cannot reach Vonage from here), built
 * from the "Video Insights Dashboard & API" guide (developer.vonage.com/en/video/guides/insights-api):
 * the documented subset of the schema below, resource collections paged with `first` (at most 10
 * meetings, 1,000 of anything else; 10 and 50 by default) and `endCursor`, `pageInfo` answers,
 * errors as `errors: [{message, locations, path, errorCode}]` with the documented codes, the
 * `X-OPENTOK-AUTH` project JWT (HS256 over the project secret, `ist: "project"`, `iss` the
 * project id) and its rate limit (fewer than 100 requests per 30 s). Its answer to a request
 * over the limit (HTTP 429 with Retry-After) is our assumption: the guide gives the limit only.
 * Dates are served as ISO 8601 strings.
 */
export const INSIGHTS_SDL = /* GraphQL */ `
  scalar Date

  type Query {
    project(projectId: Int!): Project
  }

  type Project {
    projectId: Int!
    sessionData: SessionData
  }

  type SessionData {
    sessions(sessionIds: [String!]!): Sessions
    sessionSummaries(start: Date!, end: Date, first: Int, endCursor: String): SessionSummaries
  }

  type PageInfo {
    hasNextPage: Boolean!
    endCursor: String
  }

  type Sessions {
    totalCount: Int!
    resources: [Session!]!
  }

  type Session {
    sessionId: String!
    mediaMode: String
    publisherMinutes: Float
    subscriberMinutes: Float
    meetings(first: Int, endCursor: String): Meetings!
  }

  type Meetings {
    totalCount: Int!
    pageInfo: PageInfo!
    resources: [Meeting!]!
  }

  type Meeting {
    meetingId: String!
    createdAt: Date!
    destroyedAt: Date
    publisherMinutes: Float
    subscriberMinutes: Float
    publishers(first: Int, endCursor: String): MeetingPublishers!
    subscribers(first: Int, endCursor: String): MeetingSubscribers!
  }

  type MeetingPublishers {
    totalCount: Int!
    pageInfo: PageInfo!
    resources: [Publisher!]!
  }

  type MeetingSubscribers {
    totalCount: Int!
    pageInfo: PageInfo!
    resources: [Subscriber!]!
  }

  type Stream {
    streamId: String!
    hasAudioTrack: Boolean
    hasVideoTrack: Boolean
    videoType: String
  }

  type Publisher {
    connectionId: String!
    createdAt: Date!
    destroyedAt: Date
    stream: Stream
    streamStatsCollection(first: Int, endCursor: String): PublisherStreamStatsCollection!
    subscribers(first: Int, endCursor: String): PublisherSubscribers!
  }

  type PublisherSubscribers {
    totalCount: Int!
    pageInfo: PageInfo!
    resources: [Subscriber!]!
  }

  type Subscriber {
    subscriberId: String!
    connectionId: String
    createdAt: Date!
    destroyedAt: Date
    stream: Stream
    streamStatsCollection(first: Int, endCursor: String): SubscriberStreamStatsCollection!
  }

  type PublisherStreamStatsCollection {
    totalCount: Int!
    pageInfo: PageInfo!
    resources: [PublisherStats!]!
  }

  type SubscriberStreamStatsCollection {
    totalCount: Int!
    pageInfo: PageInfo!
    resources: [SubscriberStats!]!
  }

  type PublisherStats {
    createdAt: Date!
    audioLatencyMs: Float
    audioBitrateKbps: Float
    audioPacketLoss: Float
    videoLatencyMs: Float
    videoBitrateKbps: Float
    videoPacketLoss: Float
    videoResolution: String
  }

  type SubscriberStats {
    createdAt: Date!
    audioLatencyMs: Float
    audioBitrateKbps: Float
    audioPacketLoss: Float
    videoLatencyMs: Float
    videoBitrateKbps: Float
    videoPacketLoss: Float
    videoResolution: String
  }

  type SessionSummaries {
    totalCount: Int!
    pageInfo: PageInfo!
    resources: [SessionSummary!]!
  }

  type SessionSummary {
    sessionId: String!
    publisherMinutes: Float
    subscriberMinutes: Float
  }
`;

export const insightsSchema = (): GraphQLSchema => buildSchema(INSIGHTS_SDL);

/** 30-second statistics of a publisher or subscriber; loss is a ratio (0..1), as documented. */
export interface StandinStats {
  createdAt: number;
  audioLatencyMs?: number;
  audioBitrateKbps?: number;
  audioPacketLoss?: number;
  videoLatencyMs?: number;
  videoBitrateKbps?: number;
  videoPacketLoss?: number;
  videoResolution?: string;
}

export interface StandinPublisher {
  connectionId: string;
  createdAt: number;
  destroyedAt: number | null;
  stream: { streamId: string; hasAudioTrack: boolean; hasVideoTrack: boolean; videoType?: string };
  stats: StandinStats[];
}

export interface StandinSubscriber {
  subscriberId: string;
  connectionId: string;
  streamId: string;
  createdAt: number;
  destroyedAt: number | null;
  stats: StandinStats[];
}

export interface StandinMeeting {
  meetingId: string;
  createdAt: number;
  destroyedAt: number | null;
  publishers: StandinPublisher[];
  subscribers: StandinSubscriber[];
}

export interface StandinSession {
  sessionId: string;
  meetings: StandinMeeting[];
}

export interface StandinOptions {
  projectId: string;
  projectSecret: string;
  /** Without the add-on, session data answers error 1014. */
  advancedInsights?: boolean;
  /** Requests per window (30 s) before a 429 (Vonage: fewer than 100). */
  rateLimit?: number;
  rateWindowMs?: number;
}

export interface RunningStandin {
  url: string;
  sessions: Map<string, StandinSession>;
  /** Every query received, in order. */
  queries: string[];
  /** Requests answered 429. */
  throttled: number;
  close(): Promise<void>;
}

interface RequestContext {
  missing: string[];
}

class CodedError extends Error {
  constructor(
    message: string,
    readonly errorCode: number
  ) {
    super(message);
  }
}

const cursorOf = (offset: number) => Buffer.from(`insights-resource:${offset}`).toString('base64');

function page<T>(items: T[], args: { first?: number; endCursor?: string }, defaults: { size: number; max: number }) {
  const first = args.first ?? defaults.size;
  if (!Number.isInteger(first) || first < 1 || first > defaults.max) {
    throw new CodedError(`Invalid parameter: first must be from 1 to ${defaults.max}.`, 1005);
  }
  let offset = 0;
  if (args.endCursor !== undefined) {
    const m = /^insights-resource:(\d+)$/.exec(Buffer.from(args.endCursor, 'base64').toString('utf8'));
    if (!m) {
      throw new CodedError('Invalid parameter: endCursor.', 1005);
    }
    offset = Number(m[1]);
  }
  const resources = items.slice(offset, offset + first);
  const end = offset + resources.length;
  return {
    totalCount: items.length,
    pageInfo: { hasNextPage: end < items.length, endCursor: resources.length > 0 ? cursorOf(end) : null },
    resources,
  };
}

const MEETINGS = { size: 10, max: 10 };
const OTHERS = { size: 50, max: 1000 };
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function statsView(s: StandinStats) {
  return { ...s, createdAt: iso(s.createdAt) };
}

function subscriberView(s: StandinSubscriber) {
  return {
    subscriberId: s.subscriberId,
    connectionId: s.connectionId,
    createdAt: iso(s.createdAt),
    destroyedAt: iso(s.destroyedAt),
    stream: { streamId: s.streamId },
    streamStatsCollection: (a: object) => page(s.stats.map(statsView), a, OTHERS),
  };
}

function meetingView(m: StandinMeeting) {
  return {
    meetingId: m.meetingId,
    createdAt: iso(m.createdAt),
    destroyedAt: iso(m.destroyedAt),
    publishers: (a: object) =>
      page(
        m.publishers.map((p) => ({
          connectionId: p.connectionId,
          createdAt: iso(p.createdAt),
          destroyedAt: iso(p.destroyedAt),
          stream: p.stream,
          streamStatsCollection: (b: object) => page(p.stats.map(statsView), b, OTHERS),
          subscribers: (b: object) =>
            page(m.subscribers.filter((s) => s.streamId === p.stream.streamId).map(subscriberView), b, OTHERS),
        })),
        a,
        OTHERS
      ),
    subscribers: (a: object) => page(m.subscribers.map(subscriberView), a, OTHERS),
  };
}

function dateArg(v: unknown): number {
  if (typeof v === 'number') {
    return v < 1e10 ? v * 1000 : v;
  }
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) {
    throw new CodedError('Invalid date range.', 1002);
  }
  return ms;
}

export async function startInsightsStandin(o: StandinOptions): Promise<RunningStandin> {
  const schema = insightsSchema();
  const sessions = new Map<string, StandinSession>();
  const queries: string[] = [];
  const sent: number[] = [];
  const key = new TextEncoder().encode(o.projectSecret);
  const state = { throttled: 0 };

  const rootValue = {
    project: ({ projectId }: { projectId: number }) => {
      if (String(projectId) !== o.projectId) {
        throw new CodedError('You are not authorized to view data from this project.', 1021);
      }
      return {
        projectId,
        sessionData: () => {
          if (o.advancedInsights === false) {
            throw new CodedError('The specified query requires the Advanced Insights add-on.', 1014);
          }
          return {
            sessions: ({ sessionIds }: { sessionIds: string[] }, ctx: RequestContext) => {
              if (sessionIds.length === 0) {
                throw new CodedError('You must provide at least one session ID in the input array.', 1018);
              }
              // A session not found is an error beside the sessions that were (partial data).
              ctx.missing.push(...sessionIds.filter((id) => !sessions.has(id)));
              const resources = sessionIds
                .filter((id) => sessions.has(id))
                .map((id) => ({
                  sessionId: id,
                  mediaMode: 'routed',
                  meetings: (a: object) => page(sessions.get(id)!.meetings.map(meetingView), a, MEETINGS),
                }));
              return { totalCount: resources.length, resources };
            },
            sessionSummaries: (a: { start: unknown; end?: unknown; first?: number; endCursor?: string }) => {
              const start = dateArg(a.start);
              const end = a.end === undefined || a.end === null ? Infinity : dateArg(a.end);
              const matching = [...sessions.values()]
                .filter((s) => s.meetings.some((m) => m.createdAt >= start && m.createdAt <= end))
                .sort((x, y) => x.sessionId.localeCompare(y.sessionId))
                .map((s) => ({ sessionId: s.sessionId }));
              return page(matching, a, OTHERS);
            },
          };
        },
      };
    },
  };

  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', async () => {
      const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
      const now = Date.now();
      const windowMs = o.rateWindowMs ?? 30_000;
      while (sent.length > 0 && sent[0] <= now - windowMs) {
        sent.shift();
      }
      if (sent.length >= (o.rateLimit ?? 99)) {
        state.throttled++;
        const retry = Math.max(1, Math.ceil((sent[0] + windowMs - now) / 1000));
        return reply(429, { errors: [{ message: 'Too many requests.' }] }, { 'retry-after': String(retry) });
      }
      sent.push(now);
      const token = req.headers['x-opentok-auth'];
      if (typeof token !== 'string') {
        return reply(200, { errors: [{ message: 'No valid authentication was provided.', errorCode: 1001 }] });
      }
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: o.projectId });
        if (payload.ist !== 'project' || !payload.iat || !payload.exp || !payload.jti) {
          return reply(200, { errors: [{ message: 'Invalid token.', errorCode: 1011 }] });
        }
      } catch {
        return reply(200, { errors: [{ message: 'Unable to validate the token.', errorCode: 1020 }] });
      }
      let query: string;
      try {
        query = (JSON.parse(body) as { query: string }).query;
      } catch {
        return reply(400, { errors: [{ message: 'The body must be JSON with a query.', errorCode: 1004 }] });
      }
      queries.push(query);
      const context: RequestContext = { missing: [] };
      const result = await graphql({ schema, source: query, rootValue, contextValue: context });
      const errors = (result.errors ?? []).map((e: GraphQLError) => ({
        message: e.message,
        locations: e.locations,
        path: e.path,
        ...(e.originalError instanceof CodedError ? { errorCode: e.originalError.errorCode } : {}),
      }));
      for (const id of context.missing) {
        errors.push({
          message: `The specified session was not found: ${id}.`,
          locations: undefined,
          path: ['project', 'sessionData', 'sessions'],
          errorCode: 1017,
        });
      }
      return reply(200, { data: result.data ?? null, ...(errors.length > 0 ? { errors } : {}) });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    sessions,
    queries,
    get throttled() {
      return state.throttled;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
