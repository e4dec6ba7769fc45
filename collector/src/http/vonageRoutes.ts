import type { FastifyInstance } from 'fastify';
import { Limits, REST } from '@model';
import { hashToken } from '../config/config';
import type { VonageProject } from '../config/vonage';
import { GroupCommit } from '../ingest/groupCommit';
import { CallbackError, mapCallback } from '../ingest/vonageCallback';
import { invalidField, tooLarge, unauthenticated } from '../errors';
import type { AppDeps } from './appDeps';
import { parseJsonText } from './jsonBody';
import { signatureVerifier, verifyVonageSignature, type SignatureVerifier } from './vonageSignature';

/** Vonage sends one small JSON event per request. */
const CALLBACK_BODY_LIMIT = 64 * 1024;

/**
 * C3: `POST /api/v1/vonage/callbacks?secret=<callback secret>`, the URL pasted into Vonage's
 * session monitoring (and SIP call monitoring) settings. The secret names the project (its
 * digest is looked up, as for tokens); a project with a signature secret also needs Vonage's
 * signed JWT. The answer comes only once the records are committed (group commit), so nothing
 * acknowledged can be lost, and a re-delivery is stored once (ids made from the callback).
 */
export function registerVonageRoutes(app: FastifyInstance, deps: AppDeps) {
  const projects = new Map<string, { project: VonageProject; verify?: SignatureVerifier }>();
  for (const p of deps.vonage ?? []) {
    if (p.callbackSecretSha256) {
      projects.set(p.callbackSecretSha256, {
        project: p,
        verify: p.signatureSecret ? signatureVerifier(p.signatureSecret) : undefined,
      });
    }
  }
  // PostgreSQL commits several groups at once on the ingest connections; PGlite has one.
  const committer = new GroupCommit(
    deps.store,
    'vonage-callback',
    deps.store.kind === 'postgres' ? (deps.config.ingestWriters ?? Limits.ingestWritersPostgres) : 1
  );
  app.addHook('onClose', () => committer.idle());
  app.register(async (scope) => {
    // The raw text is needed to check the signature's payload hash; Vonage may also omit or vary
    // the content type, so every body is read as text here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    // This route's own size limit; everything else goes on to the collector's error handler.
    scope.setErrorHandler((err: Error & { statusCode?: number }) => {
      throw err.statusCode === 413 ? tooLarge(`a callback body is at most ${CALLBACK_BODY_LIMIT} bytes`) : err;
    });
    scope.post<{ Querystring: { secret?: unknown } }>(
      REST.vonageCallbacks,
      { bodyLimit: CALLBACK_BODY_LIMIT },
      async (req) => {
        const secret = req.query.secret;
        if (typeof secret !== 'string' || secret === '') {
          throw unauthenticated(
            "missing callback secret: the callback URL must end in '?secret=<the project's callback secret>'"
          );
        }
        const found = projects.get(hashToken(secret));
        if (!found) {
          throw unauthenticated('callback secret refused: no Vonage project is configured with it');
        }
        const raw = typeof req.body === 'string' ? req.body : '';
        const { project, verify } = found;
        if (verify) {
          verifyVonageSignature(req.headers.authorization, raw, verify);
        }
        const body = parseJsonText(raw, 'body', 'the callback');
        let result;
        try {
          result = mapCallback(body, project.vonageProjectId, project.user);
        } catch (err) {
          if (err instanceof CallbackError) {
            throw invalidField(err.field, err.message);
          }
          throw err;
        }
        if ('ignored' in result) {
          return { stored: 0, ignored: result.ignored };
        }
        await committer.write(project.project, result.records);
        return { stored: result.records.length };
      }
    );
  });
}
