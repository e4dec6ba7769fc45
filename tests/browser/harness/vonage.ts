// Vonage's side of the harness (issue 11, one session from three sources): the collector takes
// callbacks for the demo project, and a stand-in of the Insights API runs beside it. A spec hands
// the stand-in a session (`POST /harness/vonage-insights`) and the real importer reads it over
// GraphQL into the harness collector's store, which only this process can write to.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashToken } from '../../../collector/src/config/config';
import type { VonageProject } from '../../../collector/src/config/vonage';
import { InsightsClient } from '../../../collector/src/importers/vonageInsights/client';
import { importInsightsSession } from '../../../collector/src/importers/vonageInsights/importInsights';
import type { Store } from '../../../collector/src/store/store';
import {
  startInsightsStandin,
  type RunningStandin,
  type StandinSession,
} from '../../../collector/test/vonage/insightsStandin';
import { readBody } from './grafanaApi';

export const VONAGE = {
  vonageProjectId: '46123456',
  callbackSecret: 'harness-callback-secret-0123456789',
  projectSecret: 'harness-insights-secret-0123456789',
};

export const vonageProject = (project: string): VonageProject => ({
  project,
  vonageProjectId: VONAGE.vonageProjectId,
  callbackSecretSha256: hashToken(VONAGE.callbackSecret),
  projectSecret: VONAGE.projectSecret,
});

export function startVonageStandin(): Promise<RunningStandin> {
  return startInsightsStandin({ projectId: VONAGE.vonageProjectId, projectSecret: VONAGE.projectSecret });
}

/** `POST /harness/vonage-insights` with a stand-in session: imported, the importer's result answered. */
export async function handleInsightsImport(
  standin: RunningStandin,
  store: Store,
  project: string,
  req: IncomingMessage,
  res: ServerResponse
) {
  const session = JSON.parse(await readBody(req)) as StandinSession;
  standin.sessions.set(session.sessionId, session);
  const client = new InsightsClient({
    url: standin.url,
    projectId: VONAGE.vonageProjectId,
    projectSecret: VONAGE.projectSecret,
  });
  const result = await importInsightsSession(store, vonageProject(project), session.sessionId, { client });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
}
