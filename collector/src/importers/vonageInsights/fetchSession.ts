import { InsightsError, type InsightsClient } from './client';
import { sessionPageQuery, type CollectionSpec, type PathStep } from './queries';

interface Page {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  resources: Array<Record<string, unknown>>;
}

interface SessionsAnswer {
  project: { sessionData: { sessions: { resources: Array<Record<string, unknown>> } | null } | null } | null;
}

/** The session was not found (1017) or has expired (1016): skipped, with Vonage's reason. */
export class SessionUnavailable extends InsightsError {}

const isPage = (v: unknown): v is Page =>
  typeof v === 'object' &&
  v !== null &&
  Array.isArray((v as Page).resources) &&
  typeof (v as Page).pageInfo === 'object';

/**
 * Reads a whole session from the Insights API: every page of `spec` (meetings) and, in each
 * item, every page of its nested collections, so the result holds plain arrays
 * (`meeting.publishers` is the list of all publishers). Pages are fetched in order; each later
 * page of a nested list is reached again through its parents' pages and positions.
 */
export class SessionFetcher {
  constructor(
    private readonly client: InsightsClient,
    private readonly projectId: string,
    private readonly sessionId: string
  ) {}

  private async page(path: PathStep[], spec: CollectionSpec, cursor: string | null): Promise<Page> {
    const { data, errors } = await this.client.query<SessionsAnswer>(
      sessionPageQuery(this.projectId, this.sessionId, path, spec, cursor),
      [1016, 1017]
    );
    const unavailable = errors.find((e) => e.errorCode === 1016 || e.errorCode === 1017);
    let node: unknown = data.project?.sessionData?.sessions?.resources?.[0];
    if (node === undefined) {
      throw new SessionUnavailable(
        unavailable?.message ?? `Vonage Insights has no session ${this.sessionId}`,
        unavailable?.errorCode
      );
    }
    for (const step of path) {
      node = ((node as Record<string, unknown>)[step.spec.field] as Page | undefined)?.resources?.[step.index];
    }
    const page = (node as Record<string, unknown> | undefined)?.[spec.field];
    if (!isPage(page)) {
      throw new InsightsError(
        `the Insights API answered without ${spec.field} where one was asked for (session ${this.sessionId})`
      );
    }
    return page;
  }

  /** Every item of the collection whose first page is `first`, nested collections completed. */
  private async all(path: PathStep[], spec: CollectionSpec, first: Page): Promise<Array<Record<string, unknown>>> {
    const pages: Array<{ cursor: string | null; page: Page }> = [{ cursor: null, page: first }];
    for (let last = first; last.pageInfo.hasNextPage;) {
      const cursor = last.pageInfo.endCursor;
      if (!cursor) {
        throw new InsightsError(`the Insights API said ${spec.field} has a next page but gave no endCursor`);
      }
      last = await this.page(path, spec, cursor);
      pages.push({ cursor, page: last });
    }
    const items: Array<Record<string, unknown>> = [];
    for (const { cursor, page } of pages) {
      for (const [index, item] of page.resources.entries()) {
        const full: Record<string, unknown> = { ...item };
        for (const child of spec.children) {
          const nested = item[child.field];
          full[child.field] = isPage(nested) ? await this.all([...path, { spec, cursor, index }], child, nested) : [];
        }
        items.push(full);
      }
    }
    return items;
  }

  /** The session's items of `spec` (its meetings), everything nested read to the last page. */
  async fetch(spec: CollectionSpec): Promise<Array<Record<string, unknown>>> {
    return this.all([], spec, await this.page([], spec, null));
  }
}
