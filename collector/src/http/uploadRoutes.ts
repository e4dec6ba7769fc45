import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { Limits, REST } from '@model';
import { DUMP_FORMATS, importDump } from '../importers/importDump';
import { DumpError, type DumpFormat } from '../importers/trace';
import { authenticate, writableProject, type Principal } from './auth';
import type { AppDeps } from './server';

class TooLarge extends Error {}

/** Copies the upload to a file (the importer reads it twice), refusing more than the limit. */
async function spool(body: Readable | undefined, path: string): Promise<void> {
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(seen > Limits.maxImportBytes ? new TooLarge() : null, chunk);
    },
  });
  const out = createWriteStream(path);
  if (!body) {
    out.end();
    return;
  }
  await pipeline(body, limit, out);
}

interface ImportQuery {
  session?: string;
  format?: string;
  project?: string;
  name?: string;
}

/**
 * C5 upload: `POST /api/v1/import?session=S&format=auto` with the dump as the raw body (any
 * content type, gzip'ed or not), the project's ingest token (admin: `&project=`). The body goes
 * to a temporary file, is parsed and checked whole, then written; a bad file stores nothing.
 */
export function registerUploadRoutes(app: FastifyInstance, deps: AppDeps, tokens: Map<string, Principal>) {
  void app.register(async (scope) => {
    // Only this route: take the body as a stream whatever its content type, never parse it here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post<{ Querystring: ImportQuery }>(REST.import, { bodyLimit: Limits.maxImportBytes }, async (req, reply) => {
      const project = writableProject(authenticate(tokens, req), req.query.project);
      const { session, format = 'auto' } = req.query;
      if (!session || session.length > 256) {
        return reply.code(400).send({
          error: "query parameter 'session' is required (the session id to import into, at most 256 characters)",
        });
      }
      if (format !== 'auto' && !DUMP_FORMATS.includes(format as DumpFormat)) {
        return reply
          .code(400)
          .send({ error: `query parameter 'format' must be one of auto, ${DUMP_FORMATS.join(', ')}` });
      }
      const dir = await mkdtemp(join(tmpdir(), 'si-upload-'));
      try {
        const path = join(dir, 'dump');
        try {
          await spool(req.body as Readable | undefined, path);
        } catch (err) {
          if (err instanceof TooLarge) {
            return reply
              .code(413)
              .header('connection', 'close')
              .send({ error: `the dump is larger than ${Limits.maxImportBytes} bytes, the upload limit` });
          }
          throw err;
        }
        const name = (req.query.name ?? 'upload').slice(0, 256);
        return await importDump(
          deps.store,
          { path, name, size: (await stat(path)).size },
          {
            project,
            sessionId: session,
            format: format as DumpFormat | 'auto',
            retentionDays: deps.config.retentionDays,
          }
        );
      } catch (err) {
        if (err instanceof DumpError) {
          return reply.code(400).send({ error: err.message });
        }
        throw err;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
