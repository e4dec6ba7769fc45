import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export const INSIGHTS_URL = 'https://insights.opentok.com/graphql';

/** An error Vonage's Insights API answered, with its documented code where it gave one. */
export class InsightsError extends Error {
  constructor(
    message: string,
    readonly errorCode?: number
  ) {
    super(message);
  }
}

/** What the documented error codes mean for someone running the importer. */
const EXPLAINED: Record<number, string> = {
  1001: 'no valid authentication: check the project id and secret in VONAGE_PROJECTS',
  1011: 'the JWT was refused: check the project secret in VONAGE_PROJECTS',
  1014: 'session data and stream statistics need the Advanced Insights add-on; enable it for this Vonage project in the Vonage Video API account, then import again',
  1015: 'the Vonage project id was not found: check vonageProjectId in VONAGE_PROJECTS',
  1016: 'the session has expired: Advanced Insights keeps session data 21 days',
  1017: 'session not found: Advanced Insights keeps session data 21 days and has it about 5 minutes after the fact; check the session id',
  1019: 'the JWT does not match the project id: the secret belongs to another project',
  1021: 'this project secret is not authorized to read that project',
};

interface GraphQLAnswer<T> {
  data?: T;
  errors?: Array<{ message?: string; path?: Array<string | number>; errorCode?: number }>;
}

export interface InsightsClientOptions {
  url?: string;
  /** Vonage's project id (API key): the JWT's issuer. */
  projectId: string;
  projectSecret: string;
  /** Requests per window (30 s); Vonage documents fewer than 100 per API key and per IP. */
  requestsPerWindow?: number;
  windowMs?: number;
  /** How many times a 429 or a 5xx answer is retried. */
  retries?: number;
  log?: (line: string) => void;
}

const WINDOW_MS = 30_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The Insights GraphQL endpoint with the project JWT (HS256 over the project secret, claims
 * `iss` = project id, `ist: "project"`, `iat`, `exp`, `jti`; signed with jose), under the
 * documented rate limit, waiting out a 429 (its Retry-After) and retrying a 5xx.
 */
export class InsightsClient {
  private readonly sent: number[] = [];
  readonly requests: string[] = [];

  constructor(private readonly o: InsightsClientOptions) {}

  private async jwt(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ist: 'project' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.o.projectId)
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .setJti(randomUUID())
      .sign(new TextEncoder().encode(this.o.projectSecret));
  }

  /** Waits until one more request stays under the limit in the last window. */
  private async throttle(): Promise<void> {
    const limit = this.o.requestsPerWindow ?? 90;
    const window = this.o.windowMs ?? WINDOW_MS;
    for (;;) {
      const now = Date.now();
      while (this.sent.length > 0 && this.sent[0] <= now - window) {
        this.sent.shift();
      }
      if (this.sent.length < limit) {
        this.sent.push(now);
        return;
      }
      await sleep(this.sent[0] + window - now + 1);
    }
  }

  /**
   * Runs one query. `tolerate` lists error codes answered per item (a session not found among
   * others): those come back in `errors` with the data; any other error throws.
   */
  async query<T>(query: string, tolerate: number[] = []): Promise<{ data: T; errors: InsightsError[] }> {
    const retries = this.o.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      await this.throttle();
      this.requests.push(query);
      let res: Response;
      try {
        res = await fetch(this.o.url ?? INSIGHTS_URL, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-opentok-auth': await this.jwt() },
          body: JSON.stringify({ query }),
        });
      } catch (err) {
        if (attempt >= retries) {
          throw new InsightsError(`the Insights API cannot be reached: ${(err as Error).message}`);
        }
        await sleep(1000 * 2 ** attempt);
        continue;
      }
      if ((res.status === 429 || res.status >= 500) && attempt < retries) {
        const wait = Number(res.headers.get('retry-after'));
        const ms =
          res.status === 429 ? (Number.isFinite(wait) && wait > 0 ? wait * 1000 : WINDOW_MS) : 1000 * 2 ** attempt;
        this.o.log?.(`Insights API answered ${res.status}; waiting ${Math.round(ms / 1000)} s before trying again`);
        await sleep(ms);
        continue;
      }
      const text = await res.text();
      let answer: GraphQLAnswer<T>;
      try {
        answer = JSON.parse(text) as GraphQLAnswer<T>;
      } catch {
        throw new InsightsError(`the Insights API answered HTTP ${res.status} without JSON: ${text.slice(0, 200)}`);
      }
      const errors = (answer.errors ?? []).map((e) => {
        const code = typeof e.errorCode === 'number' ? e.errorCode : undefined;
        const why = code !== undefined && Object.hasOwn(EXPLAINED, code) ? ` (${EXPLAINED[code]})` : '';
        const where = e.path?.length ? ` at ${e.path.join('.')}` : '';
        return new InsightsError(
          `Vonage Insights error${code !== undefined ? ` ${code}` : ''}${where}: ${e.message ?? 'no message'}${why}`,
          code
        );
      });
      const fatal = errors.find((e) => e.errorCode === undefined || !tolerate.includes(e.errorCode));
      if (fatal) {
        throw fatal;
      }
      if (!res.ok || answer.data === undefined) {
        throw new InsightsError(`the Insights API answered HTTP ${res.status}: ${text.slice(0, 200)}`);
      }
      return { data: answer.data, errors };
    }
  }
}
