import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isOneOf, Limits, REST } from '@model';
import { CollectorError, invalidField, tooLarge } from '../errors';
import { DUMP_FORMATS, importDump } from '../importers/importDump';
import { admissionHook } from '../ingest/admission';
import { authenticate, writableProject, type Principal } from './auth';
import { textParam } from './params';
import type { AppDeps } from './appDeps';

/** Copies the upload to a file (the importer reads it twice), refusing more than the limit. */
async function spool(body: Readable | undefined, path: string): Promise<void> {
  let seen = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      done(
        seen > Limits.maxImportBytes
          ? tooLarge(`the dump is larger than ${Limits.maxImportBytes} bytes, the upload limit`)
          : null,
        chunk
      );
    },
  });
  const out = createWriteStream(path);
  if (!body) {
    out.end();
    return;
  }
  await pipeline(body, limit, out);
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
    const writer = (req: FastifyRequest) => writableProject(authenticate(tokens, req), textParam(req.query, 'project'));
    // The dump is spooled to disk: it takes a place in the ingest queue but no memory there.
    const onRequest = admissionHook(deps.admission, writer, false);
    scope.post(REST.import, { bodyLimit: Limits.maxImportBytes, onRequest }, async (req, reply) => {
      const project = writer(req);
      const session = textParam(req.query, 'session');
      const format = textParam(req.query, 'format') ?? 'auto';
      if (!session) {
        throw invalidField(
          'session',
          `query parameter 'session' is required (the session id to import into, at most ${Limits.maxIdChars} characters)`
        );
      }
      if (format !== 'auto' && !isOneOf(DUMP_FORMATS, format)) {
        throw invalidField('format', `query parameter 'format' must be one of auto, ${DUMP_FORMATS.join(', ')}`);
      }
      const name = textParam(req.query, 'name', 256) ?? 'upload';
      const dir = await mkdtemp(join(tmpdir(), 'si-upload-'));
      try {
        const path = join(dir, 'dump');
        try {
          await spool(req.body as Readable | undefined, path);
        } catch (err) {
          if (err instanceof CollectorError) {
            // The rest of the body is not read: close the connection rather than drain it.
            reply.header('connection', 'close');
          }
          throw err;
        }
        return await importDump(
          deps.store,
          { path, name, size: (await stat(path)).size },
          {
            project,
            sessionId: session,
            format,
            retentionDays: deps.config.retentionDays,
            writeSlot: (write) => deps.admission.write(write),
          }
        );
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  });
}
