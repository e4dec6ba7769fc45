import type { FastifyInstance } from 'fastify';
import { Limits, REST } from '@model';
import { invalidBody, invalidField } from '../errors';
import { validateBatch } from '../ingest/validate';
import { writeBatch } from '../ingest/writeBatch';
import { authenticate, writableProject, type Principal } from './auth';
import { parseJsonText } from './jsonBody';
import { textParam } from './params';
import type { AppDeps } from './server';

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
  app.post(REST.ingest, async (req) => {
    const project = writableProject(authenticate(tokens, req), textParam(req.query, 'project'));
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
    return writeBatch(deps.store, project, validateBatch(raw));
  });
}
