import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { readVonageProjects } from '../../config/vonage';
import { openStore } from '../../store/openStore';
import { InsightsClient, InsightsError, INSIGHTS_URL } from './client';
import { SessionUnavailable } from './fetchSession';
import { describe, followInsights, importInsightsSession } from './importInsights';

const USAGE = `usage: collector vonage-insights --project P --session S [--session S2 ...]
       collector vonage-insights --project P --follow [--every MINUTES] [--since TIME] [--lookback-hours H]
       (either: [--url URL])

Reads sessions from Vonage's Video Insights API (Advanced Insights: meetings, publishers,
subscribers and their 30-second stream statistics) into project P, on the store configured from
the environment (DATABASE_URL, or PGlite in DATA_DIR). The Vonage project id and secret come
from P's entry in VONAGE_PROJECTS / VONAGE_PROJECTS_FILE (docs/vonage.md). Importing a session
again stores nothing new.
  --follow          poll every --every minutes (default 5) for sessions that ended, and import each once
  --since           look at sessions from this time on (ISO 8601 or epoch ms; default: now)
  --lookback-hours  how far back each poll looks for sessions that have ended since (default 24)
  --url             the Insights endpoint (default VONAGE_INSIGHTS_URL or ${INSIGHTS_URL})`;

export async function vonageInsightsCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        project: { type: 'string' },
        session: { type: 'string', multiple: true },
        follow: { type: 'boolean' },
        every: { type: 'string', default: '5' },
        since: { type: 'string' },
        'lookback-hours': { type: 'string', default: '24' },
        url: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  if (v.help) {
    console.log(USAGE);
    return 0;
  }
  const sessions = v.session ?? [];
  const every = Number(v.every);
  const lookback = Number(v['lookback-hours']);
  const since = v.since === undefined ? Date.now() : /^\d+$/.test(v.since) ? Number(v.since) : Date.parse(v.since);
  const problems = [
    !v.project && '--project is required',
    !v.follow && sessions.length === 0 && 'give --session (one or more) or --follow',
    v.follow && sessions.length > 0 && '--session and --follow go separately',
    !(every > 0) && '--every must be a number of minutes above 0',
    !(lookback > 0) && '--lookback-hours must be a number above 0',
    !Number.isFinite(since) && '--since must be an ISO 8601 time or epoch ms',
  ].filter(Boolean);
  if (problems.length > 0) {
    console.error(`${problems.join('; ')}\n${USAGE}`);
    return 2;
  }
  const vonage = readVonageProjects().find((p) => p.project === v.project && p.projectSecret);
  if (!vonage?.projectSecret) {
    console.error(
      `no Vonage project with a projectSecret is configured for project '${v.project}' (VONAGE_PROJECTS / VONAGE_PROJECTS_FILE, see docs/vonage.md)`
    );
    return 2;
  }
  const client = new InsightsClient({
    url: v.url ?? process.env.VONAGE_INSIGHTS_URL ?? INSIGHTS_URL,
    projectId: vonage.vonageProjectId,
    projectSecret: vonage.projectSecret,
    log: (line) => console.error(line),
  });
  const store = await openStore(loadConfig());
  try {
    if (v.follow) {
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      console.log(`following Vonage project ${vonage.vonageProjectId} into '${vonage.project}' every ${every} min`);
      await followInsights(store, vonage, {
        client,
        everyMs: every * 60_000,
        since,
        lookbackMs: lookback * 3_600_000,
        signal: controller.signal,
        log: (line) => console.log(line),
      });
      return 0;
    }
    let failed = 0;
    for (const sessionId of sessions) {
      try {
        console.log(describe(await importInsightsSession(store, vonage, sessionId, { client })));
      } catch (err) {
        if (!(err instanceof SessionUnavailable)) {
          throw err;
        }
        console.error(`${sessionId}: not imported: ${err.message}`);
        failed++;
      }
    }
    return failed > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof InsightsError) {
      console.error(`import stopped, nothing more stored: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}
