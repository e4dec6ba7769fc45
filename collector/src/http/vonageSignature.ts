import { createHash, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { jwtVerify } from 'jose';
import { unauthenticated } from '../errors';

/**
 * A project's signature secret as a key, made once: given the raw bytes, jose would import them
 * as a WebCrypto key on every callback; a KeyObject's import it keeps.
 */
export const signatureKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

/**
 * Vonage's secure callbacks ("Secure callbacks" / "Verifying webhooks" guides): the request
 * carries a JWT in Authorization, HS256 over the project's signature secret, whose
 * `payload_hash` claim is the SHA-256 (hex) of the body. Throws a 401 naming what failed.
 */
export async function verifyVonageSignature(header: string | undefined, rawBody: string, key: KeyObject) {
  if (!header) {
    throw unauthenticated('missing signature: this project verifies signed callbacks (a JWT in Authorization)');
  }
  const token = header.replace(/^Bearer\s+/i, '').trim();
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(token, key, { algorithms: ['HS256'] }));
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'ERR_JWT_INVALID';
    throw unauthenticated(`signature refused (${code}): ${(err as Error).message}`);
  }
  if (claims.payload_hash !== undefined) {
    const expected = createHash('sha256').update(rawBody, 'utf8').digest();
    const claimed = typeof claims.payload_hash === 'string' ? Buffer.from(claims.payload_hash, 'hex') : Buffer.alloc(0);
    if (claimed.length !== expected.length || !timingSafeEqual(claimed, expected)) {
      throw unauthenticated('signature refused: the payload_hash claim does not match the body');
    }
  }
}
