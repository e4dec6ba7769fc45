import type { FastifyInstance } from 'fastify';
import { Limits, REST } from '@model';
import { RecordError, validateBatch } from '../ingest/validate';
import { writeBatch } from '../ingest/writeBatch';
import { authenticate, writableProject, type Principal } from './auth';
import { registerIngestCors } from './cors';
import type { AppDeps } from './server';

/** Reads a JSON `{records: [...]}` body or NDJSON text into raw records. */
function parseBody(body: unknown): unknown[] {
  if (typeof body === 'string') {
    const lines = body.split('\n');
    const records: unknown[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') {
        return;
      }
      try {
        records.push(JSON.parse(line));
      } catch {
        throw new RecordError(records.length, '(line)', `is not valid JSON (NDJSON line ${i + 1})`);
      }
    });
    return records;
  }
  if (typeof body !== 'object' || body === null || !Array.isArray((body as { records?: unknown }).records)) {
    throw new BodyError(
      'body must be {"records": [...]} (application/json) or one record per line (application/x-ndjson)'
    );
  }
  return (body as { records: unknown[] }).records;
}

class BodyError extends Error {}

export function registerIngestRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  const cors = registerIngestCors(app, REST.ingest, tokens);
  app.post<{ Querystring: { project?: string } }>(REST.ingest, { onRequest: cors.onRequest }, async (req, reply) => {
    const principal = authenticate(tokens, req);
    cors.check(req, principal);
    const project = writableProject(principal, req.query.project);
    let records;
    try {
      const raw = parseBody(req.body);
      if (raw.length === 0) {
        throw new BodyError('the batch has no records');
      }
      if (raw.length > Limits.maxBatchRecords) {
        throw new BodyError(`the batch has ${raw.length} records; at most ${Limits.maxBatchRecords} per request`);
      }
      records = validateBatch(raw);
    } catch (err) {
      if (err instanceof RecordError) {
        return reply.code(400).send({ error: err.message, index: err.index, field: err.field });
      }
      if (err instanceof BodyError) {
        return reply.code(400).send({ error: err.message });
      }
      throw err;
    }
    return writeBatch(deps.store, project, records);
  });
}
