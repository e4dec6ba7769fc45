/**
 * The Insights API (Advanced Insights) queries the importer sends, built from the fields the
 * "Video Insights Dashboard & API" guide documents. Every list is a resource collection paged
 * with `first` / `endCursor` and answered with `pageInfo { hasNextPage endCursor }`; a nested
 * collection's next page is asked for by walking to its parent again (the parent's page cursor
 * and position), which is the only way cursors reach a nested list. Tests validate every query
 * built here against the stand-in's schema with graphql-js.
 */

/** A paged collection: its field, what each item carries, and the collections nested in it. */
export interface CollectionSpec {
  field: string;
  /** `meetings` pages by at most 10, every other collection by at most 1,000 (the documented limits). */
  pageSize: number;
  fields: string;
  children: CollectionSpec[];
}

/** Page sizes: the documented maxima, fewest requests. Tests shrink them to exercise paging. */
export interface PageSizes {
  meetings: number;
  others: number;
}

export const MAX_PAGE_SIZES: PageSizes = { meetings: 10, others: 1000 };

const STATS =
  'createdAt audioLatencyMs audioBitrateKbps audioPacketLoss videoLatencyMs videoBitrateKbps videoPacketLoss videoResolution';

/** Everything the importer reads of a session: meetings, publishers, subscribers, 30-second stats. */
export function sessionSpec(sizes: PageSizes = MAX_PAGE_SIZES): CollectionSpec {
  const stats: CollectionSpec = { field: 'streamStatsCollection', pageSize: sizes.others, fields: STATS, children: [] };
  return {
    field: 'meetings',
    pageSize: sizes.meetings,
    fields: 'meetingId createdAt destroyedAt',
    children: [
      {
        field: 'publishers',
        pageSize: sizes.others,
        fields: 'connectionId createdAt destroyedAt stream { streamId hasAudioTrack hasVideoTrack videoType }',
        children: [
          stats,
          {
            field: 'subscribers',
            pageSize: sizes.others,
            fields: 'subscriberId connectionId createdAt destroyedAt',
            children: [],
          },
        ],
      },
      {
        field: 'subscribers',
        pageSize: sizes.others,
        fields: 'subscriberId createdAt destroyedAt stream { streamId }',
        children: [stats],
      },
    ],
  };
}

/** Only whether each meeting has ended: what `--follow` asks before importing a session. */
export function endedSpec(sizes: PageSizes = MAX_PAGE_SIZES): CollectionSpec {
  return { field: 'meetings', pageSize: sizes.meetings, fields: 'meetingId destroyedAt', children: [] };
}

/** One step down to a nested collection: the parent collection, its page cursor, the item's position. */
export interface PathStep {
  spec: CollectionSpec;
  cursor: string | null;
  index: number;
}

// GraphQL string literals take JSON's escapes.
const literal = (s: string) => JSON.stringify(s);
const args = (spec: CollectionSpec, cursor: string | null) =>
  `(first: ${spec.pageSize}${cursor === null ? '' : `, endCursor: ${literal(cursor)}`})`;

/** A collection's page with every nested collection's first page. */
export function selection(spec: CollectionSpec, cursor: string | null = null): string {
  const nested = spec.children.map((c) => selection(c)).join(' ');
  return `${spec.field}${args(spec, cursor)} { pageInfo { hasNextPage endCursor } resources { ${spec.fields}${nested ? ` ${nested}` : ''} } }`;
}

/**
 * The query for one page (`cursor`) of `target`, reached through `path` from the session: each
 * step repeats its parent's page and keeps only the parent's fields needed to walk down.
 */
export function sessionPageQuery(
  projectId: string,
  sessionId: string,
  path: PathStep[],
  target: CollectionSpec,
  cursor: string | null
): string {
  let inner = selection(target, cursor);
  for (const step of [...path].reverse()) {
    inner = `${step.spec.field}${args(step.spec, step.cursor)} { resources { ${inner} } }`;
  }
  return `query { project(projectId: ${Number(projectId)}) { sessionData { sessions(sessionIds: [${literal(sessionId)}]) { resources { sessionId ${inner} } } } } }`;
}

/** Sessions with meetings in [start, end] (`sessionSummaries`), one page. */
export function sessionSummariesQuery(
  projectId: string,
  start: string,
  pageSize: number,
  cursor: string | null
): string {
  const after = cursor === null ? '' : `, endCursor: ${literal(cursor)}`;
  return `query { project(projectId: ${Number(projectId)}) { sessionData { sessionSummaries(start: ${literal(start)}, first: ${pageSize}${after}) { pageInfo { hasNextPage endCursor } resources { sessionId } } } } }`;
}
