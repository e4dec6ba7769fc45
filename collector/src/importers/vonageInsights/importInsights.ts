import type { VonageProject } from '../../config/vonage';
import { writeBatch } from '../../ingest/writeBatch';
import type { Store } from '../../store/store';
import { InsightsError, type InsightsClient } from './client';
import { SessionFetcher, SessionUnavailable } from './fetchSession';
import { mapSession } from './mapSession';
import { endedSpec, MAX_PAGE_SIZES, sessionSpec, sessionSummariesQuery, type PageSizes } from './queries';

export interface InsightsImportResult {
  sessionId: string;
  meetings: number;
  publishers: number;
  subscribers: number;
  samples: number;
  lossOutOfRange: number;
  stored: number;
  alreadyThere: number;
}

export interface InsightsImportOptions {
  client: InsightsClient;
  pageSizes?: PageSizes;
}

/**
 * Imports one session from the Insights API into `vonage.project`, in one transaction (all of
 * it or nothing). Throws SessionUnavailable (1016, 1017) for a session Vonage does not have.
 */
export async function importInsightsSession(
  store: Store,
  vonage: VonageProject,
  sessionId: string,
  o: InsightsImportOptions
): Promise<InsightsImportResult> {
  const fetcher = new SessionFetcher(o.client, vonage.vonageProjectId, sessionId);
  const meetings = await fetcher.fetch(sessionSpec(o.pageSizes ?? MAX_PAGE_SIZES));
  const mapped = mapSession(sessionId, meetings);
  const written =
    mapped.records.length > 0
      ? await writeBatch(store, vonage.project, mapped.records, { source: 'vonage-insights' })
      : { accepted: 0, duplicates: 0 };
  return {
    sessionId,
    meetings: mapped.meetings,
    publishers: mapped.publishers,
    subscribers: mapped.subscribers,
    samples: mapped.samples,
    lossOutOfRange: mapped.lossOutOfRange,
    stored: written.accepted,
    alreadyThere: written.duplicates,
  };
}

interface SummariesPage {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  resources: Array<{ sessionId: string }>;
}

interface SummariesAnswer {
  project: { sessionData: { sessionSummaries: SummariesPage | null } | null } | null;
}

/** Ids of the sessions with meetings since `start` (`sessionSummaries`, every page). */
export async function sessionIdsSince(
  client: InsightsClient,
  projectId: string,
  start: number,
  pageSize = MAX_PAGE_SIZES.others
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (;;) {
    const query = sessionSummariesQuery(projectId, new Date(start).toISOString(), pageSize, cursor);
    const { data } = await client.query<SummariesAnswer>(query);
    const page: SummariesPage | null | undefined = data.project?.sessionData?.sessionSummaries;
    if (!page) {
      throw new InsightsError('the Insights API answered sessionSummaries without a page');
    }
    ids.push(...page.resources.map((r) => r.sessionId));
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) {
      return ids;
    }
    cursor = page.pageInfo.endCursor;
  }
}

/** True when every meeting of the session has a `destroyedAt`. */
async function sessionEnded(client: InsightsClient, projectId: string, sessionId: string, sizes: PageSizes) {
  const meetings = await new SessionFetcher(client, projectId, sessionId).fetch(endedSpec(sizes));
  return meetings.length > 0 && meetings.every((m) => m.destroyedAt !== null && m.destroyedAt !== undefined);
}

export interface FollowOptions extends InsightsImportOptions {
  everyMs: number;
  /** Sessions with meetings since then are looked at; later, at most `lookbackMs` back. */
  since: number;
  lookbackMs: number;
  signal: AbortSignal;
  log: (line: string) => void;
  onImported?: (r: InsightsImportResult) => void;
}

/**
 * `--follow`: every `everyMs`, lists the sessions Insights has since the last look (minus the
 * look-back, so a long session that ends later is still seen) and imports each one whose
 * meetings have all ended, once. A failing poll is logged and retried at the next one; a
 * missing Advanced Insights add-on (1014) stops it.
 */
export async function followInsights(store: Store, vonage: VonageProject, o: FollowOptions): Promise<void> {
  const imported = new Set<string>();
  const sizes = o.pageSizes ?? MAX_PAGE_SIZES;
  while (!o.signal.aborted) {
    const now = Date.now();
    try {
      const start = Math.max(o.since, now - o.lookbackMs);
      for (const sessionId of await sessionIdsSince(o.client, vonage.vonageProjectId, start, sizes.others)) {
        if (o.signal.aborted) {
          break;
        }
        try {
          if (imported.has(sessionId) || !(await sessionEnded(o.client, vonage.vonageProjectId, sessionId, sizes))) {
            continue;
          }
          const r = await importInsightsSession(store, vonage, sessionId, o);
          imported.add(sessionId);
          o.onImported?.(r);
          o.log(describe(r));
        } catch (err) {
          if (!(err instanceof SessionUnavailable)) {
            throw err;
          }
          o.log(`${sessionId}: skipped: ${err.message}`);
        }
      }
    } catch (err) {
      // Without the add-on no poll can succeed: stop and say so. Anything else may pass.
      if (!(err instanceof InsightsError) || err.errorCode === 1014) {
        throw err;
      }
      o.log(`poll failed, trying again in ${Math.round(o.everyMs / 1000)} s: ${err.message}`);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, o.everyMs);
      o.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true }
      );
    });
  }
}

export function describe(r: InsightsImportResult): string {
  const out = r.lossOutOfRange > 0 ? `; ${r.lossOutOfRange} packet-loss values outside 0..1 left out` : '';
  return `${r.sessionId}: ${r.meetings} meetings, ${r.publishers} publishers, ${r.subscribers} subscribers, ${r.samples} quality samples; stored ${r.stored}, already there ${r.alreadyThere}${out}`;
}
