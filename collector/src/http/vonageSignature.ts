import { createHash, timingSafeEqual } from 'node:crypto';
import { createVerifier } from 'fast-jwt';
import { unauthenticated } from '../errors';

export type SignatureVerifier = (token: string) => Record<string, unknown>;

/**
 * A project's signature secret as a verifier, made once. fast-jwt checks an HS256 signature on
 * the calling thread in a few microseconds; jose goes through WebCrypto, about 200 us of the
 * collector's CPU per callback (docs/benchmarks.md, "Vonage callbacks").
 */
export const signatureVerifier = (secret: string): SignatureVerifier =>
  createVerifier({ key: secret, algorithms: ['HS256'] });

/**
 * Vonage's secure callbacks ("Secure callbacks" / "Verifying webhooks" guides): the request
 * carries a JWT in Authorization, HS256 over the project's signature secret, whose
 * `payload_hash` claim is the SHA-256 (hex) of the body. Throws a 401 naming what failed; an
 * expired token (`exp`) or one not yet valid (`nbf`) is refused too.
 */
export function verifyVonageSignature(header: string | undefined, rawBody: string, verify: SignatureVerifier) {
  if (!header) {
    throw unauthenticated('missing signature: this project verifies signed callbacks (a JWT in Authorization)');
  }
  const token = header.replace(/^Bearer\s+/i, '').trim();
  let claims: Record<string, unknown>;
  try {
    claims = verify(token);
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'FAST_JWT_INVALID';
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
