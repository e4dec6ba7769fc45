import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Limits, REST } from '@model';
import { invalidBody, invalidField } from '../errors';
import { admissionHook } from '../ingest/admission';
import { validateBatch } from '../ingest/validate';
import { writeBatch } from '../ingest/writeBatch';
import { authenticate, writableProject, type Principal } from './auth';
import type { AppDeps } from './appDeps';
import { registerIngestCors } from './cors';
import { parseJsonText } from './jsonBody';
import { textParam } from './params';

/** Reads a JSON `{records: [...]}` body or NDJSON text into raw records. */
function parseBody(body: unknown): unknown[] {
  if (typeof body === 'string') {
    const records: unknown[] = [];
    body.split('\n').forEach((line, i) => {
      if (line.trim() !== '') {
        records.push(parseJsonText(line, `records[${records.length}]`, `NDJSON line ${i + 1}`, records.length));
      }
    });
    return records;
  }
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { records?: unknown }).records)) {
    throw invalidBody(
      'body must be {"records": [...]} (application/json) or one record per line (application/x-ndjson)'
    );
  }
  return (body as { records: unknown[] }).records;
}

export function registerIngestRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  const cors = registerIngestCors(app, REST.ingest, tokens);
  const writer = (req: FastifyRequest) => {
    const principal = authenticate(tokens, req);
    cors.check(req, principal);
    return writableProject(principal, textParam(req.query, 'project'));
  };
  // CORS headers first, so that a page can read every answer (a 429 and its Retry-After too).
  const onRequest = [cors.onRequest, admissionHook(deps.admission, writer, true)];
  app.post(REST.ingest, { onRequest }, async (req) => {
    const project = writer(req);
    const raw = parseBody(req.body);
    if (raw.length === 0) {
      throw invalidField('records', 'the batch has no records');
    }
    if (raw.length > Limits.maxBatchRecords) {
      throw invalidField(
        'records',
        `the batch has ${raw.length} records; at most ${Limits.maxBatchRecords} per request`
      );
    }
    const records = validateBatch(raw);
    return deps.admission.write(() => writeBatch(deps.store, project, records));
  });
}
