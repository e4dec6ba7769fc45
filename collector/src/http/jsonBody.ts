import type { FastifyInstance } from 'fastify';
import { invalidBody, invalidField } from '../errors';
import { findUnstorable } from '../model/storable';

/**
 * JSON text to a value the collector can store: a syntax error, a string PostgreSQL refuses or
 * nesting deeper than `Limits.maxJsonDepth` is a 400 naming where (`root` prefixes the path).
 * Keys such as `__proto__` stay ordinary data: no lookup by a client key reaches a prototype.
 */
export function parseJsonText(text: string, root: string, what: string, index?: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8's message is JavaScript's text; say where instead.
    const message = (err as Error).message;
    const at = /position (\d+)/.exec(message)?.[1];
    const where =
      at !== undefined
        ? ` (at character ${at})`
        : /end of JSON/.test(message)
          ? ' (it ends before the value is complete)'
          : '';
    const said = `${what} is not valid JSON${where}`;
    throw index === undefined ? invalidBody(said) : invalidField(root, said, index);
  }
  const bad = findUnstorable(value, root);
  if (bad) {
    throw invalidField(bad.path, `${what}: ${bad.path} ${bad.reason}`, index);
  }
  return value;
}

/** Every JSON body of every route goes through `parseJsonText`. */
export function registerJsonParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') {
      return done(invalidBody('the body is empty: send JSON'), undefined);
    }
    try {
      done(null, parseJsonText(text, '', 'the body'));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}
